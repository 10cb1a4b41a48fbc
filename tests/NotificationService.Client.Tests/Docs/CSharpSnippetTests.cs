using System.Text.RegularExpressions;

namespace NotificationService.Tests.Docs;

/// <summary>
/// Every C# snippet the README and the client's docs show compiles as a reader pastes it into a new ASP.NET Core app
/// (the web SDK's implicit usings only) that installs both client packages, packed from this tree, by version from a
/// folder source: the snippet brings its own usings, and the reader's own services it calls (<c>alerts</c>,
/// <c>orders</c>, <c>audit</c>) take the ids the client gives them, Guids. One app holds every snippet, built once.
/// </summary>
public partial class CSharpSnippetTests(PackedSnippetApp app) : IClassFixture<PackedSnippetApp>
{
    private static readonly string[] Pages = ["README.md", "docs/dotnet-client.md", "src/NotificationService.Client/README.md"];

    public static TheoryData<string> Snippets() => [.. All().Select(s => s.Where)];

    [Theory, MemberData(nameof(Snippets))]
    public void The_snippet_compiles_in_a_new_web_app_with_the_client_packages(string where)
    {
        var snippet = All().Single(s => s.Where == where);

        var errors = app.ErrorsOf(snippet.File);

        Assert.True(errors.Count == 0, $"{where} does not compile:\n{string.Join("\n", errors)}\n---\n{snippet.Code}");
    }

    /// <summary>Each snippet (page:line), the code as the page shows it, and the file of the app that holds it.</summary>
    public static IReadOnlyList<(string Where, string Code, string File)> All() => [.. Pages
        .SelectMany(p => Blocks(p).Select(b => (Where: $"{p}:{b.Line}", b.Code)))
        .Select((s, i) => (s.Where, s.Code, $"Snippet{i + 1}.cs"))];

    /// <summary>The snippet as a file of the reader's app: its usings on top, its statements in a method.</summary>
    public static string AsFile(string snippet, string file)
    {
        var lines = snippet.Split('\n');
        var usings = lines.TakeWhile(l => l.StartsWith("using ") || l.Trim().Length == 0).ToList();
        return $$"""
            {{string.Join('\n', usings)}}
            public static class {{Path.GetFileNameWithoutExtension(file)}}
            {
                public static async Task RunAsync(WebApplicationBuilder builder, WebApplication app,
                    global::NotificationService.Client.NotificationServiceClient client, ReadersApp.Alerts alerts, ReadersApp.Orders orders,
                    ReadersApp.Audit audit, string userId, Guid signupId, IDictionary<string, string?> headers, byte[] rawBody,
                    CancellationToken ct, CancellationToken cancellationToken)
                {
            {{string.Join('\n', lines.Skip(usings.Count))}}
                }
            }
            """;
    }

    /// <summary>The reader's own services the snippets call, taking the client's ids as they are.</summary>
    public const string ReadersApp = """
        namespace ReadersApp;
        public interface Alerts { Task NotifyAsync(Guid notificationId, CancellationToken ct); }
        public interface Orders { Task MarkUnreachedAsync(Guid notificationId, CancellationToken ct); }
        public interface Audit { Task RunEndedAsync(Guid runId, string? state, CancellationToken ct); }
        """;

    private static List<(int Line, string Code)> Blocks(string page)
    {
        var text = File.ReadAllText(Path.Combine(NotificationService.Tests.Client.DotnetProcess.RepoRoot, page)).Replace("\r\n", "\n");
        return [.. Fence().Matches(text).Select(m => (text[..m.Index].Count(c => c == '\n') + 1, m.Groups[1].Value))];
    }

    [GeneratedRegex("^```csharp\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Fence();
}
