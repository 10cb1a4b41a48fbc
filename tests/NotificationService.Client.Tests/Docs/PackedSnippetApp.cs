using System.Text.RegularExpressions;
using NotificationService.Tests.Client;

namespace NotificationService.Tests.Docs;

/// <summary>
/// A new ASP.NET Core app outside the repository that installs NotificationService.Client and .Client.AspNetCore, packed
/// from this tree (<see cref="ClientPackageFeed"/>), and holds every snippet of <see cref="CSharpSnippetTests"/> as a
/// file of its own: packed and built once per run, each snippet's errors told apart by file.
/// </summary>
public sealed partial class PackedSnippetApp : IAsyncLifetime
{
    private ClientPackageFeed? _feed;
    private string? _root;
    private (int Exit, string Output) _build;

    public async Task InitializeAsync()
    {
        _feed = await ClientPackageFeed.PackAsync("NotificationService.Client", "NotificationService.Client.AspNetCore");
        _root = Directory.CreateTempSubdirectory("ns-snippet-app-").FullName;
        await File.WriteAllTextAsync(Path.Combine(_root, "nuget.config"), _feed.NuGetConfig);
        await File.WriteAllTextAsync(Path.Combine(_root, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <OutputType>Library</OutputType><TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="NotificationService.Client" Version="{_feed.Version}" />
                <PackageReference Include="NotificationService.Client.AspNetCore" Version="{_feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(_root, "ReadersApp.cs"), CSharpSnippetTests.ReadersApp);
        foreach (var (_, code, file) in CSharpSnippetTests.All())
            await File.WriteAllTextAsync(Path.Combine(_root, file), CSharpSnippetTests.AsFile(code, file));
        // A failing build is an answer too: its errors are the snippets' (the restore by version included).
        _build = await DotnetProcess.TryRunAsync(_root, TimeSpan.FromMinutes(4), "build", "-nodeReuse:false", "-clp:NoSummary");
    }

    /// <summary>The compiler's errors in this file, and any error that names no snippet (a restore that failed, the app's own).</summary>
    public IReadOnlyList<string> ErrorsOf(string file)
    {
        var errors = Error().Matches(_build.Output).Select(m => m.Value.Trim()).Distinct().ToList();
        if (_build.Exit != 0 && errors.Count == 0) return [$"the build failed without a compiler error:\n{_build.Output}"];
        var snippets = $"{Path.DirectorySeparatorChar}Snippet";
        return [.. errors.Where(e => e.Contains($"{Path.DirectorySeparatorChar}{file}(") || !e.Contains(snippets))];
    }

    public async Task DisposeAsync()
    {
        if (_root is not null && Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
        if (_feed is not null) await _feed.DisposeAsync();
    }

    [GeneratedRegex(@"^.*:\s*error\s+[A-Z]+\d+:.*$", RegexOptions.Multiline)]
    private static partial Regex Error();
}
