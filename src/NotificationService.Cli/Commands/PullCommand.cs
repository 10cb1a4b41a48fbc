using System.CommandLine;
using NotificationService.Cli.Tree;

namespace NotificationService.Cli.Commands;

/// <summary>`pull DIR`: the tenant's configuration written as a tree, its revision in the manifest (see
/// <see cref="ServiceOptions"/>).</summary>
internal static class PullCommand
{
    public static Command Create() => ServiceOptions.Create("pull",
        "Write a tenant's configuration into a directory, one readable file per object", "Where to write the tree (created if missing)",
        (http, tenant, dir, _, ct) => RunAsync(http, tenant, dir, Console.Out, Console.Error, ct));

    public static async Task<int> RunAsync(HttpClient http, Guid? tenant, string directory, TextWriter output, TextWriter errors,
        CancellationToken ct)
    {
        if (await ServiceOptions.ExportAsync(http, tenant, errors, ct) is not { } snapshot) return 1;
        if (ServiceOptions.Tree(snapshot, errors) is not { } tree) return 1;
        Directory.CreateDirectory(directory);
        tree.WriteTo(directory);
        output.WriteLine($"{tree.Files.Count} files written to {directory}.");
        return 0;
    }
}
