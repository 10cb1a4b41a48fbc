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
