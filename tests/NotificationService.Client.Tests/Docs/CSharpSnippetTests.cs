using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NotificationService.Tests.Docs;

/// <summary>
/// Every C# snippet the README and the client's docs show compiles as a reader pastes it into a new ASP.NET Core app
/// (its implicit usings only) that references both client packages: the snippet brings its own usings, and the reader's
/// own services it calls (<c>alerts</c>, <c>orders</c>, <c>audit</c>) take the ids the client gives them, Guids.
/// </summary>
public partial class CSharpSnippetTests
{
    private static readonly string[] Pages = ["README.md", "docs/dotnet-client.md", "src/NotificationService.Client/README.md"];

    public static TheoryData<string> Snippets() => [.. Pages.SelectMany(p => Blocks(p).Select(b => $"{p}:{b.Line}"))];

    [Theory, MemberData(nameof(Snippets))]
    public void The_snippet_compiles_in_a_new_web_app_with_the_client_packages(string where)
    {
        var page = where[..where.LastIndexOf(':')];
        var code = Blocks(page).Single(b => $"{page}:{b.Line}" == where).Code;

        var errors = Compile(code).Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();

        Assert.True(errors.Count == 0, $"{where} does not compile:\n{string.Join("\n", errors)}\n---\n{code}");
    }

    private static IEnumerable<Diagnostic> Compile(string snippet)
    {
        var lines = snippet.Split('\n');
        var usings = lines.TakeWhile(l => l.StartsWith("using ") || l.Trim().Length == 0).ToList();
        var body = string.Join('\n', lines.Skip(usings.Count));
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        SyntaxTree[] trees =
        [
            CSharpSyntaxTree.ParseText(ImplicitUsings, parse),
            CSharpSyntaxTree.ParseText(ReadersApp, parse),
            CSharpSyntaxTree.ParseText($$"""
                {{string.Join('\n', usings)}}
                public static class Snippet
                {
                    public static async Task RunAsync(WebApplicationBuilder builder, WebApplication app,
                        global::NotificationService.Client.NotificationServiceClient client, ReadersApp.Alerts alerts, ReadersApp.Orders orders,
                        ReadersApp.Audit audit, string userId, Guid signupId, IDictionary<string, string?> headers, byte[] rawBody,
                        CancellationToken ct, CancellationToken cancellationToken)
                    {
                {{body}}
                    }
                }
                """, parse),
        ];
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "NotificationService.Client*.dll"))
            .GroupBy(Path.GetFileName).Select(g => MetadataReference.CreateFromFile(g.First()));
        return CSharpCompilation.Create("snippet", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)).GetDiagnostics();
    }

    /// <summary>The web SDK's implicit usings (ImplicitUsings=enable): what a new app has without writing a using.</summary>
    private const string ImplicitUsings = """
        global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq;
        global using System.Net.Http; global using System.Net.Http.Json; global using System.Threading; global using System.Threading.Tasks;
        global using Microsoft.AspNetCore.Builder; global using Microsoft.AspNetCore.Hosting; global using Microsoft.AspNetCore.Http;
        global using Microsoft.AspNetCore.Routing; global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection; global using Microsoft.Extensions.Hosting; global using Microsoft.Extensions.Logging;
        """;

    /// <summary>The reader's own services the snippets call, taking the client's ids as they are.</summary>
    private const string ReadersApp = """
        namespace ReadersApp;
        public interface Alerts { Task NotifyAsync(Guid notificationId, CancellationToken ct); }
        public interface Orders { Task MarkUnreachedAsync(Guid notificationId, CancellationToken ct); }
        public interface Audit { Task RunEndedAsync(Guid runId, string? state, CancellationToken ct); }
        """;

    private static List<(int Line, string Code)> Blocks(string page)
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot(), page)).Replace("\r\n", "\n");
        return [.. Fence().Matches(text).Select(m => (text[..m.Index].Count(c => c == '\n') + 1, m.Groups[1].Value))];
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir.FullName, "NotificationService.sln"))) dir = dir.Parent!;
        return dir.FullName;
    }

    [GeneratedRegex("^```csharp\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex Fence();
}
