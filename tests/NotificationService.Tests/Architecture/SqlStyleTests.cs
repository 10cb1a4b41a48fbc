using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NotificationService.Tests.Architecture;

/// <summary>
/// Queries readable as SQL: a statement longer than ten lines is a named constant next to its store (with a summary
/// saying what its parameters are), not a literal in the middle of the code that binds it.
/// </summary>
public class SqlStyleTests
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
}
