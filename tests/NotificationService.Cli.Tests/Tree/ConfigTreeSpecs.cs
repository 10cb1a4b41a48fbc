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

    [Fact]
    public void A_rewrite_deletes_only_files_a_pull_writes_and_leaves_sample_data_and_other_files_alone()
    {
        var dir = Directory.CreateTempSubdirectory("tree-").FullName;
        try
        {
            ConfigTree.FromExport(SampleExport.Create()).WriteTo(dir);
            var folder = Path.Combine(dir, "templates", "receipt", "email.en");
            File.WriteAllText(Path.Combine(folder, "sample.json"), "{\"number\": 7}");
            File.WriteAllText(Path.Combine(folder, "notes.md"), "ours");
            File.WriteAllText(Path.Combine(folder, "preheader.hbs"), "a part the service does not have");

            ConfigTree.FromExport(SampleExport.Create()).WriteTo(dir);

            Assert.Equal("{\"number\": 7}", File.ReadAllText(Path.Combine(folder, "sample.json")));
            Assert.True(File.Exists(Path.Combine(folder, "notes.md")));
            Assert.False(File.Exists(Path.Combine(folder, "preheader.hbs")));   // a part file is the service's, as pull writes it
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Theory]
    [InlineData("templates/receipt/email.en/template.json", true)]
    [InlineData("templates/receipt/email.en/subject.hbs", true)]
    [InlineData("providers/push/FCM primary %2F EU.json", true)]
    [InlineData("notifications.json", true)]
    [InlineData("templates/receipt/email.en/sample.json", false)]
    [InlineData("templates/receipt/email.en/notes.md", false)]
    [InlineData("templates/receipt/template.json", false)]
    [InlineData("workflows/drafts/welcome.json", false)]
    [InlineData("README.md", false)]
    public void Configuration_files_are_exactly_the_files_a_pull_writes(string path, bool pulled)
    {
        Assert.Equal(pulled, TreeLayout.IsConfigurationFile(path));
    }

    [Theory]
    [InlineData("../escape", "topics/..%2Fescape.json")]
    [InlineData("a/b", "topics/a%2Fb.json")]
    [InlineData("..", "topics/%2E%2E.json")]
    [InlineData("C:\\x", "topics/C%3A%5Cx.json")]
    public void A_name_that_would_leave_its_folder_is_escaped_into_one_file_of_it(string key, string file)
    {
        var export = SampleExport.Create();
        export["topics"]![0]!["key"] = key;

        var tree = ConfigTree.FromExport(export);

        Assert.Contains(file, tree.Files.Keys);
        Assert.Equal(key, (string?)TreePush.Document(tree)["topics"]![0]!["key"]);   // pushed back under the name it had
    }

    [Fact]
    public void A_provider_name_with_a_slash_is_one_file_of_its_channel()
    {
        var export = SampleExport.Create();
        export["providers"] = new JsonArray(SampleExport.Provider("push", "FCM primary / EU", Guid.NewGuid()));

        var file = Assert.Single(ConfigTree.FromExport(export).Files.Keys, k => k.StartsWith("providers/", StringComparison.Ordinal));

        Assert.Equal("providers/push/FCM primary %2F EU.json", file);
        Assert.Equal("provider FCM primary / EU (push)", TreeDiff.ObjectOf(file));
    }

    [Fact]
    public void Two_providers_one_file_name_would_hold_are_each_kept_under_their_id_whatever_the_export_order()
    {
        var (first, second, third) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        JsonObject Export(params JsonObject[] providers)
        {
            var export = SampleExport.Create();
            export["providers"] = new JsonArray(providers);
            return export;
        }
        var providers = new[]
        {
            SampleExport.Provider("email", "primary", first, from: "a@acme.test"),
            SampleExport.Provider("email", "Primary", second, from: "b@acme.test"),   // one file on a case-insensitive disk
            SampleExport.Provider("email", "primary", third, from: "c@acme.test"),
            SampleExport.Provider("sms", "primary", Guid.NewGuid()),                // another channel's folder: no clash
        };

        var tree = ConfigTree.FromExport(Export(providers.Select(p => (JsonObject)p.DeepClone()).ToArray()));
        var reversed = ConfigTree.FromExport(Export(providers.Reverse().Select(p => (JsonObject)p.DeepClone()).ToArray()));

        Assert.Equal(tree.Files, reversed.Files);
        Assert.Equal("a@acme.test", (string?)tree.ReadJson($"providers/email/primary~{first}.json")["settings"]!["from"]);
        Assert.Equal("b@acme.test", (string?)tree.ReadJson($"providers/email/Primary~{second}.json")["settings"]!["from"]);
        Assert.Equal("c@acme.test", (string?)tree.ReadJson($"providers/email/primary~{third}.json")["settings"]!["from"]);
        Assert.Contains("providers/sms/primary.json", tree.Files.Keys);
        Assert.Equal($"provider primary (email, {first})", TreeDiff.ObjectOf($"providers/email/primary~{first}.json"));
    }
}
