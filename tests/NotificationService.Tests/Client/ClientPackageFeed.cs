namespace NotificationService.Tests.Client;

/// <summary>
/// The client packages as a user gets them: `dotnet pack` of the given projects, from a copy of their sources (and the
/// repository's build settings, so that the pack and the repository's own build never share an obj folder), into a
/// folder feed under a version of this run's own. Disposing removes the feed and what restores installed of that version.
/// </summary>
public sealed class ClientPackageFeed : IAsyncDisposable
{
    private readonly string _root;
    private readonly string[] _packageIds;
    public string Folder { get; }
    public string Version { get; }

    private ClientPackageFeed(string root, string[] packageIds, string version)
    {
        (_root, _packageIds, Version) = (root, packageIds, version);
        Folder = Directory.CreateDirectory(Path.Combine(root, "feed")).FullName;
    }

    /// <summary>Packs each project (`NotificationService.Client`, `NotificationService.Client.AspNetCore`), in the order given.</summary>
    public static async Task<ClientPackageFeed> PackAsync(params string[] projects)
    {
        var version = $"0.0.0-spec.{DateTime.UtcNow:yyyyMMddHHmmss}.{Random.Shared.Next(1000)}";
        var feed = new ClientPackageFeed(Directory.CreateTempSubdirectory("ns-client-package-").FullName, projects, version);
        try
        {
            var source = Path.Combine(feed._root, "source");
            foreach (var project in projects) CopySources(project, source);
            File.Copy(Path.Combine(DotnetProcess.RepoRoot, "Directory.Build.props"), Path.Combine(source, "Directory.Build.props"));
            // A later project's build finds a dependency packed before it already built (incremental).
            foreach (var project in projects)
                await DotnetProcess.RunAsync(source, TimeSpan.FromMinutes(4), "pack", $"{project}/{project}.csproj", "-c", "Release",
                    "-o", feed.Folder, $"-p:Version={version}", "-nodeReuse:false");
            return feed;
        }
        catch
        {
            await feed.DisposeAsync();
            throw;
        }
    }

    public string Package(string packageId) => Path.Combine(Folder, $"{packageId}.{Version}.nupkg");

    /// <summary>A nuget.config for a project of the reader's: this feed beside the machine's own sources (for dependencies).</summary>
    public string NuGetConfig => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration><packageSources><add key="local" value="{Folder}" /></packageSources></configuration>
        """;

    /// <summary>A project's sources without its build output, into <paramref name="to"/>/<paramref name="project"/>.</summary>
    public static void CopySources(string project, string to)
    {
        var from = Path.Combine(DotnetProcess.RepoRoot, "src", project);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj") continue;
            var target = Path.Combine(to, project, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                       ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in _packageIds)   // each run's version is its own: leave none behind
        {
            var installed = Path.Combine(packages, id.ToLowerInvariant(), Version);
            if (Directory.Exists(installed)) Directory.Delete(installed, recursive: true);
        }
        return ValueTask.CompletedTask;
    }
}
