using NotificationService.Cli.Commands;
using NotificationService.Cli.Tree;

namespace NotificationService.Cli.Tests.Tree;

/// <summary>`validate`: the service's own template engine, offline, problems at a file and line.</summary>
public sealed class TreeValidatorSpecs
{
    [Fact]
    public void A_tree_pulled_from_a_working_tenant_is_valid()
    {
        Assert.Empty(TreeValidator.Validate(ConfigTree.FromExport(SampleExport.Create())));
    }

    [Fact]
    public void A_broken_part_is_named_by_its_file_and_line()
    {
        var tree = ConfigTree.FromExport(SampleExport.Create());
        tree.AddText("templates/receipt/email.en/html.hbs", "<p>\n{{#if paid}}\n paid\n");

        var problem = Assert.Single(TreeValidator.Validate(tree));
        Assert.Equal("templates/receipt/email.en/html.hbs", problem.File);
        Assert.True(problem.Line > 0, problem.ToString());
        Assert.StartsWith("templates/receipt/email.en/html.hbs:", problem.ToString());
    }

    [Fact]
    public void A_broken_partial_is_named_by_the_partial_file()
    {
        var tree = ConfigTree.FromExport(SampleExport.Create());
        tree.AddText("partials/footer.hbs", "Acme {{#each}}");

        Assert.Contains(TreeValidator.Validate(tree), p => p.File == "partials/footer.hbs");
    }

    [Fact]
    public void A_layout_the_tree_lacks_is_named_in_the_manifest()
    {
        var tree = ConfigTree.FromExport(SampleExport.Create());
        tree.Files.Remove("layouts/main.hbs");

        var problem = Assert.Single(TreeValidator.Validate(tree));
        Assert.Equal("templates/receipt/email.en/template.json", problem.File);
        Assert.Contains("\"main\"", problem.Message);
    }

    [Fact]
    public void A_variable_the_sample_data_lacks_is_named()
    {
        var tree = ConfigTree.FromExport(SampleExport.Create());
        tree.AddText("templates/login/push.de/sample.json", "{\"name\": \"Ada\"}");
        tree.AddText("templates/receipt/email.en/sample.json", "{}");

        var problem = Assert.Single(TreeValidator.Validate(tree));
        Assert.Equal("templates/receipt/email.en/sample.json", problem.File);
        Assert.Contains("\"number\"", problem.Message);
    }

    [Theory]
    [InlineData("{\n  \"description\": null,\n  \"layout\": 5\n}", 3, "\"layout\" must be a string or null, not 5.")]
    [InlineData("{\n  \"optionalVariables\": \"x\"\n}", 2, "\"optionalVariables\" must be a list of strings")]
    [InlineData("{\n  \"optionalVariables\": [1]\n}", 2, "\"optionalVariables\" must be a list of strings")]
    [InlineData("{\n  \"published\": \"yes\"\n}", 2, "\"published\" must be true or false")]
    [InlineData("{\n  \"parts\": []\n}", 2, "\"parts\" must be an object")]
    [InlineData("[]", 1, "Must be a JSON object")]
    [InlineData("{\n  \"layout\": \"main\",\n  oops\n}", 3, "Not valid JSON: ")]
    public void A_template_json_of_the_wrong_shape_is_a_problem_at_its_line(string content, int line, string message)
    {
        var tree = ConfigTree.FromExport(SampleExport.Create());
        tree.AddText("templates/receipt/email.en/template.json", content);

        var problem = Assert.Single(TreeValidator.Validate(tree));
        Assert.Equal(("templates/receipt/email.en/template.json", line), (problem.File, problem.Line));
        Assert.StartsWith(message, problem.Message);
    }

    [Fact]
    public void Sample_data_that_is_not_json_is_a_problem_at_the_line_the_parser_stopped()
    {
        var tree = ConfigTree.FromExport(SampleExport.Create());
        tree.AddText("templates/receipt/email.en/sample.json", "{\n  \"number\": 7,\n  \"total\": \n}");

        var problem = Assert.Single(TreeValidator.Validate(tree));
        Assert.Equal(("templates/receipt/email.en/sample.json", 4), (problem.File, problem.Line));
        Assert.StartsWith("Not valid JSON: ", problem.Message);
    }

    [Theory]
    [InlineData("workflows/welcome.json", "{\"published\": \"yes\"}", "\"published\"")]
    [InlineData("notifications.json", "{\"revision\": 7}", "\"revision\"")]
    [InlineData("categories/billing.json", "{\"name\": ", "Not valid JSON")]
    [InlineData("layouts/main.json", "{\"description\": {}}", "\"description\"")]
    public void Every_json_file_a_push_reads_is_checked_first(string path, string content, string named)
    {
        var tree = ConfigTree.FromExport(SampleExport.Create());
        tree.AddText(path, content);

        var problem = Assert.Single(TreeValidator.Validate(tree));
        Assert.Equal(path, problem.File);
        Assert.Contains(named, problem.Message);
    }

    [Theory]
    [InlineData("templates/x/carrierpigeon.en/template.json", "\"carrierpigeon\" is not a channel")]
    [InlineData("templates/x/email/template.json", "templates/KEY/CHANNEL.LOCALE/")]
    [InlineData("templates/x/template.json", "templates/KEY/CHANNEL.LOCALE/")]
    public void A_template_folder_a_push_cannot_send_is_a_problem(string path, string message)
    {
        var tree = ConfigTree.FromExport(SampleExport.Create());
        tree.AddJson(path, new System.Text.Json.Nodes.JsonObject { ["published"] = false });
        tree.AddText(path.Replace("template.json", "subject.hbs"), "Coo");

        var problem = Assert.Single(TreeValidator.Validate(tree));
        Assert.Equal(path, problem.File);
        Assert.Contains(message, problem.Message);
        Assert.Equal(2, TreeValidator.TemplateCount(tree));
    }

    [Fact]
    public void The_command_prints_a_wrong_shape_at_its_file_and_line_and_counts_in_good_english()
    {
        var dir = Directory.CreateTempSubdirectory("tree-").FullName;
        try
        {
            var tree = ConfigTree.FromExport(SampleExport.Create());
            tree.AddText("templates/receipt/email.en/template.json", "{\n  \"layout\": 5\n}");
            tree.WriteTo(dir);
            var (output, errors) = (new StringWriter(), new StringWriter());

            Assert.Equal(1, ValidateCommand.Run(dir, output, errors));
            Assert.Equal("templates/receipt/email.en/template.json:2: \"layout\" must be a string or null, not 5.",
                errors.ToString().TrimEnd());
            Assert.Equal("1 problem.", output.ToString().TrimEnd());
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void The_command_exits_1_and_prints_file_and_line_for_a_broken_tree()
    {
        var dir = Directory.CreateTempSubdirectory("tree-").FullName;
        try
        {
            var tree = ConfigTree.FromExport(SampleExport.Create());
            tree.AddText("templates/receipt/email.en/subject.hbs", "Receipt {{/if}}");
            tree.WriteTo(dir);
            var (output, errors) = (new StringWriter(), new StringWriter());

            Assert.Equal(1, ValidateCommand.Run(dir, output, errors));
            Assert.StartsWith("templates/receipt/email.en/subject.hbs:1:", errors.ToString());

            ConfigTree.FromExport(SampleExport.Create()).WriteTo(dir);
            Assert.Equal(0, ValidateCommand.Run(dir, output, errors));
            Assert.Contains("2 templates valid.", output.ToString());
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
