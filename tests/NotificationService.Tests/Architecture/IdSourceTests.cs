using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NotificationService.Tests.Architecture;

/// <summary>
/// New ids come from Contracts' Uuid7.New, which draws its random bits ahead: `Guid.CreateVersion7()` makes one system
/// call per id (0.5 µs on the bench host, 5–10 % of a batch recipient's CPU), and one use on a hot path is enough to
/// bring that back.
/// </summary>
public class IdSourceTests
{
    [Fact]
    public void The_service_makes_version_7_ids_only_through_Uuid7_New()
    {
        var uses = CreateVersion7Calls().ToList();
        Assert.True(uses.Count == 0, "Guid.CreateVersion7 called (use Uuid7.New):\n" + string.Join("\n", uses));
    }

    [Fact]
    public void The_check_sees_a_call_through_the_semantic_model()
    {
        // The checker must be able to fail: Uuid7's own doc names Guid.CreateVersion7, but only a call counts, and the
        // resolved method of a call to it is System.Guid's.
        var model = SourceModel.Service;
        var options = (Microsoft.CodeAnalysis.CSharp.CSharpParseOptions)model.ServiceTrees.First().Options;
        var probe = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("class P { System.Guid M() => System.Guid.CreateVersion7(); }", options);
        var compilation = model.Compilation.AddSyntaxTrees(probe);
        Assert.Single(Calls(compilation, probe));
    }

    private static IEnumerable<string> CreateVersion7Calls()
    {
        var model = SourceModel.Service;
        return model.ServiceTrees.SelectMany(tree => Calls(model.Compilation, tree).Select(line => $"{model.Relative(tree.FilePath)}:{line}"));
    }

    private static IEnumerable<int> Calls(Compilation compilation, SyntaxTree tree)
    {
        var semantic = compilation.GetSemanticModel(tree);
        // Only a call whose written name is the method's is bound: binding every call of the service was most of the
        // spec's time, and any other call resolves to another method.
        foreach (var call in tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>().Where(c => WrittenName(c) == nameof(Guid.CreateVersion7)))
            if (semantic.GetSymbolInfo(call).Symbol is IMethodSymbol { Name: nameof(Guid.CreateVersion7) } m
                && m.ContainingType.ToDisplayString() == "System.Guid")
                yield return call.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
    }

    private static string? WrittenName(InvocationExpressionSyntax call) => call.Expression switch
    {
        MemberAccessExpressionSyntax m => m.Name.Identifier.ValueText,
        MemberBindingExpressionSyntax b => b.Name.Identifier.ValueText,
        SimpleNameSyntax n => n.Identifier.ValueText,
        _ => null,
    };
}
