using System.CommandLine;
using NotificationService.Cli.Tree;

namespace NotificationService.Cli.Commands;

/// <summary>
/// `promote --from-key K1 --to-key K2 [--to-url U2] [--dry-run] [--publish]`: what `pull` from one tenant and `push` to
/// another do, without a directory (staging → production). The source is read as it is now and applied to the target
/// all or nothing, named at the revision the target has as the command starts, so a change landing there meanwhile
/// refuses the promotion instead of being overwritten.
/// </summary>
internal static class PromoteCommand
{
    public static Command Create()
    {
        var url = new Option<string?>("--url") { Description = "The source service's base URL (default: NOTIFICATIONS_URL)" };
        var fromKey = new Option<string?>("--from-key") { Description = "The source tenant's admin key (default: NOTIFICATIONS_FROM_KEY)" };
        var toUrl = new Option<string?>("--to-url") { Description = "The target service's base URL (default: the source's)" };
        var toKey = new Option<string?>("--to-key") { Description = "The target tenant's admin key (default: NOTIFICATIONS_TO_KEY)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would change in the target; change nothing" };
        var publish = new Option<bool>("--publish") { Description = "Publish what the source has published" };
        var command = new Command("promote", "Apply one tenant's configuration to another, all or nothing")
        {
            url, fromKey, toUrl, toKey, dryRun, publish
        };
        command.SetAction(async (r, ct) =>
        {
            var sourceUrl = r.GetValue(url) ?? Environment.GetEnvironmentVariable("NOTIFICATIONS_URL");
            using var from = ServiceOptions.Connect(sourceUrl, "NOTIFICATIONS_URL", r.GetValue(fromKey),
                "NOTIFICATIONS_FROM_KEY", Console.Error);
            using var to = ServiceOptions.Connect(r.GetValue(toUrl) ?? sourceUrl, "NOTIFICATIONS_URL", r.GetValue(toKey),
                "NOTIFICATIONS_TO_KEY", Console.Error);
            if (from is null || to is null) return 2;
            return await RunAsync(from, to, r.GetValue(dryRun), r.GetValue(publish), Console.Out, Console.Error, ct);
        });
        return command;
    }

    public static async Task<int> RunAsync(HttpClient from, HttpClient to, bool dryRun, bool publish, TextWriter output, TextWriter errors,
        CancellationToken ct)
    {
        if (await ServiceOptions.ExportAsync(to, null, errors, ct) is not { } target) return 1;
        if (await ServiceOptions.ExportAsync(from, null, errors, ct) is not { } source) return 1;
        var tree = ConfigTree.FromExport(source.Export, target.Revision);
        var problems = TreeValidator.Validate(tree);
        foreach (var problem in problems) errors.WriteLine(problem);
        if (problems.Count > 0) return 1;
        var document = TreePush.Document(tree);
        (document["dryRun"], document["publish"]) = (dryRun, publish);
        return await PushSender.SendAsync(to, tree, document, output, errors, ct) is null ? 1 : 0;
    }
}
