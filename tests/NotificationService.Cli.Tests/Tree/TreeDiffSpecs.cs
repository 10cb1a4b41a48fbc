using NotificationService.Cli.Tree;

namespace NotificationService.Cli.Tests.Tree;

/// <summary>`diff`: per object in words, and template sources as a unified diff.</summary>
public sealed class TreeDiffSpecs
{
    [Fact]
    public void Changes_are_told_per_object_in_words()
    {
        var service = ConfigTree.FromExport(SampleExport.Create());
        var local = ConfigTree.FromExport(SampleExport.Create(receiptSubject: "Receipt {{number}} from Acme"));
        local.Files.Remove("topics/launches.json");
        local.AddText("partials/header.hbs", "Acme");
        local.AddText("templates/login/push.de/subtitle.hbs", "Willkommen");

        Assert.Equal(
        [
            "partial header: new",
            "template login (push.de): changed: subtitle.hbs added",
            "template receipt (email.en): changed: subject.hbs",
            "topic launches: only in the service (a push leaves it there; a pull brings it here)",
        ], TreeDiff.Objects(service, local).Select(c => $"{c.Object}: {c.Words}"));
    }

    [Fact]
    public void Sample_data_and_other_files_a_pull_does_not_write_are_no_difference_and_not_in_a_push()
    {
        var service = ConfigTree.FromExport(SampleExport.Create());
        var local = ConfigTree.FromExport(SampleExport.Create());
        local.AddText("templates/receipt/email.en/sample.json", "{\"number\": 7}");
        local.AddText("templates/receipt/email.en/notes.md", "ours");

        Assert.Empty(TreeDiff.Objects(service, local));
        Assert.Equal(TreePush.Document(service).ToJsonString(), TreePush.Document(local).ToJsonString());
    }

    [Fact]
    public void A_provider_or_webhook_difference_says_a_push_does_not_apply_it()
    {
        var service = ConfigTree.FromExport(SampleExport.Create());
        var local = ConfigTree.FromExport(SampleExport.Create());
        local.AddText("providers/email/primary.json", "{}\n");
        local.AddText("webhooks/webhooks.json", "[]\n");

        Assert.Equal(
        [
            "provider primary (email): changed: primary.json (not pushed: managed in the console)",
            "webhook endpoints: changed: webhooks.json (not pushed: managed in the console)",
        ], TreeDiff.Objects(service, local).Select(c => $"{c.Object}: {c.Words}"));
    }

    [Fact]
    public void The_same_tree_has_no_changes()
    {
        Assert.Empty(TreeDiff.Objects(ConfigTree.FromExport(SampleExport.Create()), ConfigTree.FromExport(SampleExport.Create(stamp: "2020-01-01T00:00:00Z"))));
    }

    [Fact]
    public void A_source_diff_is_unified_with_git_headers_and_three_lines_of_context()
    {
        var from = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12";
        var to = "1\ntwo\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13";

        Assert.Equal("""
            --- a/partials/p.hbs
            +++ b/partials/p.hbs
            @@ -1,5 +1,5 @@
             1
            -2
            +two
             3
             4
             5
            @@ -10,3 +10,4 @@
             10
             11
             12
            +13

            """.Replace("\r\n", "\n"), TreeDiff.Unified("partials/p.hbs", from, to));
    }

    [Fact]
    public void A_new_file_is_diffed_from_dev_null()
    {
        Assert.Equal("--- /dev/null\n+++ b/layouts/x.hbs\n@@ -0,0 +1,2 @@\n+<a>\n+</a>\n", TreeDiff.Unified("layouts/x.hbs", null, "<a>\n</a>"));
    }
}
