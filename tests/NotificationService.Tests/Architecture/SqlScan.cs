using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NotificationService.Tests.Architecture;

/// <summary>One place the source names a table: in a SQL literal, or through an EF Core DbSet of AppDbContext.</summary>
public sealed record TableUse(string Table, bool Writes, string File, string? Type, int Line);

/// <summary>Finds which code names which table, and whether it writes it.</summary>
public static partial class SqlScan
{
    /// <summary>Tables the migrations create (the service's and the queue's).</summary>
    public static IReadOnlyList<string> Tables(string srcRoot) =>
        Directory.EnumerateFiles(srcRoot, "*.sql", SearchOption.AllDirectories)
            .Where(f => f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}"))
            .SelectMany(f => CreateTable().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value.ToLowerInvariant()))
            .Distinct().Order().ToList();

    public static List<TableUse> Uses(SourceModel model, IReadOnlyCollection<string> tables)
    {
        var uses = new List<TableUse>();
        var dbSets = new Dictionary<string, string> { ["Tenants"] = "tenants", ["ServiceAccounts"] = "service_accounts", ["Providers"] = "providers" };
        foreach (var tree in model.ServiceTrees)
        {
            var file = model.Relative(tree.FilePath);
            foreach (var (text, type, node) in model.StringLiterals(tree))
            {
                var sql = text.ToLowerInvariant();
                var ctes = CteName().Matches(sql).Select(m => m.Groups[1].Value).ToHashSet();   // `with tenants as (…)` is not a table
                foreach (Match m in TableReference().Matches(sql))
                {
                    var table = m.Groups["table"].Value;
                    if (!tables.Contains(table) || ctes.Contains(table)) continue;
                    var verb = m.Groups["verb"].Value;
                    var writes = verb is "into" or "update" or "copy" || (verb == "from" && DeleteFrom().IsMatch(sql[..m.Index]));
                    uses.Add(new TableUse(table, writes, file, type, node.GetLocation().GetLineSpan().StartLinePosition.Line + 1));
                }
            }
            // EF Core: any use of a DbSet can add, change or remove rows on SaveChanges, so it counts as writing.
            var semantic = model.Compilation.GetSemanticModel(tree);
            foreach (var access in tree.GetRoot().DescendantNodes().OfType<MemberAccessExpressionSyntax>())
                if (dbSets.TryGetValue(access.Name.Identifier.ValueText, out var table)
                    && semantic.GetSymbolInfo(access).Symbol is IPropertySymbol { ContainingType.Name: "AppDbContext" })
                    uses.Add(new TableUse(table, true, file, access.Ancestors().OfType<TypeDeclarationSyntax>().LastOrDefault()?.Identifier.ValueText,
                        access.GetLocation().GetLineSpan().StartLinePosition.Line + 1));
        }
        return uses;
    }

    [GeneratedRegex(@"create\s+table\s+(?:if\s+not\s+exists\s+)?([a-z_][a-z0-9_]*)", RegexOptions.IgnoreCase)]
    private static partial Regex CreateTable();

    [GeneratedRegex(@"\b(?<verb>from|join|into|update|copy|table)\s+(?<table>[a-z_][a-z0-9_]*)\b")]
    private static partial Regex TableReference();

    [GeneratedRegex(@"(?:\bwith(?:\s+recursive)?|,)\s*([a-z_][a-z0-9_]*)\s*(?:\([^)]*\))?\s+as\s*(?:not\s+)?(?:materialized\s+)?\(")]
    private static partial Regex CteName();

    [GeneratedRegex(@"\bdelete\s*$")]
    private static partial Regex DeleteFrom();
}
