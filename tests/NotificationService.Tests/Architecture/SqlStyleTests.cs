using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NotificationService.Tests.Architecture;

/// <summary>
/// Queries readable as SQL: a statement longer than ten lines is a named constant next to its store (with a summary
/// saying what its parameters are), not a literal in the middle of the code that binds it. And a keyset page's cursor is
/// a bound a prepared statement's generic plan can use.
/// </summary>
public partial class SqlStyleTests
{
    private static readonly string[] SqlStarts = ["select", "with", "insert", "update", "delete", "copy"];

    [Fact]
    public void Statements_longer_than_ten_lines_are_named_constants()
    {
        var model = SourceModel.Service;
        var statements = 0;
        var inline = new List<string>();
        foreach (var tree in model.ServiceTrees)
            foreach (var (text, _, node) in model.StringLiterals(tree))
            {
                var sql = text.TrimStart().ToLowerInvariant();
                if (!SqlStarts.Any(s => sql.StartsWith(s + " ", StringComparison.Ordinal) || sql.StartsWith(s + "\n", StringComparison.Ordinal))) continue;
                statements++;
                if (text.Trim().Split('\n').Length <= 10) continue;
                var isConstant = node.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax field } }
                    && field.Modifiers.Any(SyntaxKind.ConstKeyword);
                if (!isConstant) inline.Add($"{model.Relative(tree.FilePath)}:{node.GetLocation().GetLineSpan().StartLinePosition.Line + 1}");
            }
        Assert.True(statements > 50, $"found only {statements} SQL statements: the scan is blind");
        Assert.True(inline.Count == 0, "long SQL statements inline (make them named constants):\n" + string.Join("\n", inline));
    }

    /// <summary>
    /// `($3::uuid is null or id > $3)` reads well but, once PostgreSQL runs the prepared statement with a generic plan, is a
    /// filter rather than an index bound: every page walks the index from the start, and an erase or export of 100,000
    /// notifications reads quadratically many rows (KeysetBound). The cursor is `id > coalesce($3::uuid, <lowest>)`.
    /// </summary>
    [Fact]
    public void Keyset_cursors_are_index_bounds_even_under_a_generic_plan()
    {
        var model = SourceModel.Service;
        var bounds = 0;
        var filters = new List<string>();
        foreach (var tree in model.ServiceTrees)
        {
            var text = tree.GetText().ToString();
            bounds += Regex.Count(text, @"coalesce\(\$\d+::\w+, \{KeysetBound\.");
            foreach (Match m in NullOrCursor().Matches(text))
                filters.Add($"{model.Relative(tree.FilePath)}:{tree.GetLineSpan(new Microsoft.CodeAnalysis.Text.TextSpan(m.Index, 0)).StartLinePosition.Line + 1}: {m.Value}");
        }
        Assert.True(bounds >= 10, $"found only {bounds} keyset bounds: the scan is blind");
        Assert.True(filters.Count == 0, "keyset cursors written as a filter (use coalesce with KeysetBound):\n" + string.Join("\n", filters));
    }

    /// <summary>`($n::type is null or [alias.]id|key|user_id|topic_key &lt; or &gt; $n)`: the same parameter on both sides.</summary>
    [GeneratedRegex(@"\(\s*\$(\d+)::\w+\s+is\s+null\s+or\s+(\w+\.)?(id|key|user_id|topic_key)\s*[<>]\s*\$\1\s*\)")]
    private static partial Regex NullOrCursor();
}
