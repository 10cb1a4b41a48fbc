using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NotificationService.Tests.Architecture;

/// <summary>
/// The service's source compiled in memory with Roslyn, so architecture rules are checked against what the code
/// really refers to (symbols, not text that happens to look like a name). Built once per test run.
/// </summary>
public sealed class SourceModel
{
    private static readonly Lazy<SourceModel> Instance = new(Load);
    public static SourceModel Service => Instance.Value;

    public string SrcRoot { get; }
    public CSharpCompilation Compilation { get; }

    private SourceModel(string srcRoot, CSharpCompilation compilation) => (SrcRoot, Compilation) = (srcRoot, compilation);

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NotificationService.sln"))) return dir.FullName;
        throw new InvalidOperationException("NotificationService.sln not found above the test binaries");
    }

    /// <summary>The feature folder a file belongs to (`Features/Wing/X/…` → X), or null for host, infrastructure and contracts.</summary>
    public string? FeatureOf(string path) => FolderOf(path) is [_, var feature, ..] ? feature : null;

    /// <summary>The wing a file belongs to (`Features/Wing/X/…` → Wing), or null outside Features/.</summary>
    public string? WingOf(string path) => FolderOf(path) is [var wing, _, ..] ? wing : null;

    private string[]? FolderOf(string path)
    {
        var relative = Path.GetRelativePath(Path.Combine(SrcRoot, "NotificationService", "Features"), path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? null : relative.Split(Path.DirectorySeparatorChar);
    }

    public string Relative(string path) => Path.GetRelativePath(SrcRoot, path);

    public IEnumerable<SyntaxTree> ServiceTrees => Compilation.SyntaxTrees.Where(t => t.FilePath.Length > 0);

    /// <summary>Every string literal of a file with the type that declares it (SQL lives in them).</summary>
    public IEnumerable<(string Text, string? Type, SyntaxNode Node)> StringLiterals(SyntaxTree tree)
    {
        foreach (var node in tree.GetRoot().DescendantNodes())
        {
            string? text = node switch
            {
                LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } l => l.Token.ValueText,
                InterpolatedStringExpressionSyntax i => string.Concat(i.Contents.Select(c => c is InterpolatedStringTextSyntax t ? t.TextToken.ValueText : " ")),
                _ => null,
            };
            if (text is null || node.Parent is InterpolatedStringExpressionSyntax) continue;
            var type = node.Ancestors().OfType<TypeDeclarationSyntax>().LastOrDefault()?.Identifier.ValueText;
            yield return (text, type, node);
        }
    }

    private static SourceModel Load()
    {
        var root = RepoRoot();
        var src = Path.Combine(root, "src");
        var files = Directory.EnumerateFiles(Path.Combine(src, "NotificationService"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(src, "NotificationService.Queue"), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));
        var options = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), options, path: f)).ToList();
        // The web SDK's implicit usings (ImplicitUsings=enable), which the compiler otherwise gets from a generated file.
        trees.Add(CSharpSyntaxTree.ParseText("""
            global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq;
            global using System.Net.Http; global using System.Net.Http.Json; global using System.Threading; global using System.Threading.Tasks;
            global using Microsoft.AspNetCore.Builder; global using Microsoft.AspNetCore.Hosting; global using Microsoft.AspNetCore.Http;
            global using Microsoft.AspNetCore.Routing; global using Microsoft.Extensions.Configuration;
            global using Microsoft.Extensions.DependencyInjection; global using Microsoft.Extensions.Hosting; global using Microsoft.Extensions.Logging;
            """, options));
        // Everything the test host can load: the shared frameworks and the service's own dependencies.
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
            .Where(p => Path.GetFileName(p) is not ("NotificationService.dll" or "NotificationService.Queue.dll" or "NotificationService.Tests.dll"))
            .GroupBy(Path.GetFileName).Select(g => MetadataReference.CreateFromFile(g.First()));
        var compilation = CSharpCompilation.Create("architecture", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        return new SourceModel(src, compilation);
    }
}
