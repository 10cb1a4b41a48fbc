using System.CommandLine;
using NotificationService.Cli.Tree;

namespace NotificationService.Cli.Commands;

/// <summary>
/// `diff DIR`: what differs between the tenant's configuration and the directory, per object in words,
/// then a unified diff of each changed template source (`.hbs`). Exit 0 when they are the same, 1 when they differ
/// (as `diff` and `git diff --exit-code` do, so CI can tell), 2 on a command line that cannot run.
/// </summary>
internal static class DiffCommand
{
    public static Command Create() => ServiceOptions.Create("diff", "Show what differs between a tenant's configuration and a directory",
        "The tree to compare with the tenant", (http, tenant, dir, _, ct) => RunAsync(http, tenant, dir, Console.Out, Console.Error, ct));

    public static async Task<int> RunAsync(HttpClient http, Guid? tenant, string directory, TextWriter output, TextWriter errors,
        CancellationToken ct)
    {
        if (await ServiceOptions.ExportAsync(http, tenant, errors, ct) is not { } snapshot) return 1;
        if (ServiceOptions.Tree(snapshot, errors) is not { } service) return 1;
        var local = ConfigTree.Read(directory);
        var changes = TreeDiff.Objects(service, local);
        foreach (var change in changes) output.WriteLine($"{change.Object}: {change.Words}");
        foreach (var file in changes.SelectMany(c => c.Files).Where(f => f.EndsWith(".hbs", StringComparison.Ordinal)))
            output.Write(TreeDiff.Unified(file, service.Files.GetValueOrDefault(file), local.Files.GetValueOrDefault(file)));
        if (changes.Count == 0) output.WriteLine("No differences.");
        return changes.Count == 0 ? 0 : 1;
    }
}
