using System.Text.Json.Nodes;
using NotificationService.Cli.Tree;

namespace NotificationService.Cli.Tests.Tree;

/// <summary>The directory format: one readable file per object, the same bytes for the same configuration.</summary>
public sealed class ConfigTreeSpecs
{
    [Fact]
    public void Each_object_is_its_own_file_and_each_template_part_its_own_hbs()
    {
        var tree = ConfigTree.FromExport(SampleExport.Create());

        Assert.Equal(
        [
            "categories/billing.json", "layouts/main.hbs", "layouts/main.json", "notifications.json", "partials/footer.hbs",
            "providers/email/primary.json", "templates/login/push.de/body.hbs", "templates/login/push.de/template.json",
            "templates/login/push.de/title.hbs", "templates/receipt/email.en/html.hbs", "templates/receipt/email.en/subject.hbs",
            "templates/receipt/email.en/template.json", "topics/launches.json", "webhooks/webhooks.json", "workflows/welcome.json",
        ], tree.Files.Keys);
        Assert.Equal("Your receipt {{number}}", tree.Files["templates/receipt/email.en/subject.hbs"]);
        var receipt = tree.ReadJson("templates/receipt/email.en/template.json");
        Assert.Equal("main", (string?)receipt["layout"]);
        Assert.True((bool)receipt["published"]!);
        var login = tree.ReadJson("templates/login/push.de/template.json");
        Assert.False((bool)login["published"]!);
        Assert.Equal("/x", (string?)login["parts"]!["data"]!["url"]);   // structured parts stay in the manifest
    }

    [Fact]
    public void Nothing_that_changes_without_an_edit_is_in_the_tree()
    {
        var first = ConfigTree.FromExport(SampleExport.Create(stamp: "2026-01-01T00:00:00+00:00"));
        var later = ConfigTree.FromExport(SampleExport.Create(stamp: "2026-11-28T17:00:00+00:00"));   // new ids and times too

        Assert.Equal(first.Files, later.Files);
        var all = string.Concat(first.Files.Values);
        Assert.DoesNotContain("2026-", all);
        Assert.DoesNotContain("memberCount", all);
        Assert.DoesNotContain("••••", all);   // a masked secret is not configuration
        Assert.Equal("[\n  \"apiKey\"\n]", first.ReadJson("providers/email/primary.json")["secretNames"]!.ToJsonString(new() { WriteIndented = true, NewLine = "\n", IndentSize = 2 }));
    }

    [Fact]
    public void Json_files_have_sorted_keys_two_space_indentation_and_a_final_newline()
    {
        var category = ConfigTree.FromExport(SampleExport.Create()).Files["categories/billing.json"];

        Assert.StartsWith("{\n  \"channels\": {\n    \"email\": true,\n    \"sms\": false\n  },\n  \"commercial\": false,", category);
        Assert.EndsWith("}\n", category);
        Assert.DoesNotContain("\r", category);
    }

    [Fact]
    public void A_console_edit_changes_only_the_file_of_the_edited_part()
    {
        var before = ConfigTree.FromExport(SampleExport.Create());
        var after = ConfigTree.FromExport(SampleExport.Create(receiptSubject: "Receipt {{number}} from Acme"));

        var changed = before.Files.Keys.Union(after.Files.Keys).Where(k => before.Files.GetValueOrDefault(k) != after.Files.GetValueOrDefault(k));
        Assert.Equal(["templates/receipt/email.en/subject.hbs"], changed);
    }

    [Fact]
    public void A_tree_reads_back_from_disk_as_written_and_a_rewrite_drops_only_objects_that_went_away()
    {
        var dir = Directory.CreateTempSubdirectory("tree-").FullName;
        try
        {
            var tree = ConfigTree.FromExport(SampleExport.Create());
            tree.WriteTo(dir);
            File.WriteAllText(Path.Combine(dir, "README.md"), "ours");
            Assert.Equal(tree.Files, ConfigTree.Read(dir).Files);

            var export = SampleExport.Create();
            ((JsonArray)export["topics"]!).Clear();
            ConfigTree.FromExport(export).WriteTo(dir);

            Assert.False(File.Exists(Path.Combine(dir, "topics", "launches.json")));
            Assert.True(File.Exists(Path.Combine(dir, "README.md")));   // not the tree's: left alone
            Assert.Equal(tree.Files.Count - 1, ConfigTree.Read(dir).Files.Count);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("..")]
    public void A_name_that_would_leave_its_folder_is_refused(string key)
    {
        var export = SampleExport.Create();
        export["topics"]![0]!["key"] = key;

        Assert.Throws<InvalidDataException>(() => ConfigTree.FromExport(export));
    }
}
