using System.CommandLine;
using System.Text.Json.Nodes;
using NotificationService.Cli.Tree;

namespace NotificationService.Cli.Commands;

/// <summary>
/// `push DIR [--dry-run] [--publish] [--force]`: the tree applied to the key's tenant all or nothing. The tree is first
/// validated offline (a problem is printed at its file and line and nothing is sent); the service then refuses the whole
/// push when the tenant changed since the pull the manifest records (unless `--force`), or when any object is refused.
/// After a push the manifest records the tenant's new revision.
/// </summary>
internal static class PushCommand
{
    private static readonly Option<bool> DryRun =
        new("--dry-run") { Description = "Check everything and say what would change; change nothing" };
    private static readonly Option<bool> Publish =
        new("--publish") { Description = "Publish the changed templates and workflows the tree marks published" };
    private static readonly Option<bool> Force = new("--force") { Description = "Push even though the tenant changed since the pull" };

    public static Command Create() => ServiceOptions.Create("push", "Apply a directory to the tenant, all or nothing", "The tree to apply",
        (http, tenant, dir, r, ct) => tenant is not null ? Refuse() : RunAsync(http, dir,
            new(r.GetValue(DryRun), r.GetValue(Publish), r.GetValue(Force)),
            Console.Out, Console.Error, ct), DryRun, Publish, Force);

    public sealed record Choices(bool DryRun = false, bool Publish = false, bool Force = false);

    public static async Task<int> RunAsync(HttpClient http, string directory, Choices choices, TextWriter output, TextWriter errors,
        CancellationToken ct)
    {
        if (ValidateCommand.Run(directory, TextWriter.Null, errors) != 0) return 1;
        var tree = ConfigTree.Read(directory);
        var document = TreePush.Document(tree);
        (document["dryRun"], document["publish"], document["force"]) = (choices.DryRun, choices.Publish, choices.Force);
        if (await PushSender.SendAsync(http, tree, document, output, errors, ct) is not { } revision) return 1;
        if (!choices.DryRun) RecordRevision(directory, revision);
        return 0;
    }

    /// <summary>The manifest names the revision the tenant now has, so the next push from this tree is not taken for a stale one.</summary>
    private static void RecordRevision(string directory, string revision)
    {
        var path = Path.Combine(directory, ConfigTree.ManifestFile);
        var manifest = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        if ((string?)manifest["revision"] == revision) return;
        manifest["revision"] = revision;
        File.WriteAllText(path, ConfigTree.Canonical(manifest));
    }

    private static Task<int> Refuse()
    {
        Console.Error.WriteLine("push applies to the key's own tenant: use a tenant's admin key or a member's token, without --tenant.");
        return Task.FromResult(2);
    }
}
