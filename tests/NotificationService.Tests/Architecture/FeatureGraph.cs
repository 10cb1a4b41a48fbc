using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NotificationService.Tests.Architecture;

/// <summary>Which feature folder uses which, from the symbols each file's names bind to, and the cycles in that graph.</summary>
public static class FeatureGraph
{
    private static readonly Lazy<IReadOnlyDictionary<string, Dictionary<string, string>>> ServiceGraph = new(() => Build(SourceModel.Service));

    /// <summary>The service's graph, bound once per test run: binding every name of every feature file is the costliest
    /// step of the architecture specs, and three of them read the same graph.</summary>
    public static IReadOnlyDictionary<string, Dictionary<string, string>> Service => ServiceGraph.Value;

    /// <summary>Edges feature → features it uses, each with one place that shows it (file:line, the symbol).</summary>
    public static Dictionary<string, Dictionary<string, string>> Build(SourceModel model)
    {
        var graph = new Dictionary<string, Dictionary<string, string>>();
        var declaredIn = DeclaredNames(model);
        foreach (var tree in model.ServiceTrees)
        {
            if (model.FeatureOf(tree.FilePath) is not { } from) continue;
            var edges = graph.TryGetValue(from, out var e) ? e : graph[from] = [];
            var semantic = model.Compilation.GetSemanticModel(tree);
            foreach (var name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                // Only a name some other feature declares can bind to that feature's code: binding the rest (locals,
                // the framework's names) is most of the work and can add no edge.
                if (!declaredIn.TryGetValue(name.Identifier.ValueText, out var features) || features.All(f => f == from)) continue;
                var info = semantic.GetSymbolInfo(name);
                var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault();
                if (symbol is null or INamespaceSymbol) continue;
                var declaring = symbol as INamedTypeSymbol ?? symbol.ContainingType;
                var file = declaring?.Locations.FirstOrDefault(l => l.IsInSource)?.SourceTree?.FilePath;
                if (file is null || model.FeatureOf(file) is not { } to || to == from || edges.ContainsKey(to)) continue;
                edges[to] = $"{model.Relative(tree.FilePath)}:{name.GetLocation().GetLineSpan().StartLinePosition.Line + 1} uses {declaring!.Name}";
            }
        }
        return graph;
    }

    /// <summary>Every name a feature file declares (types, members, enum members, primary-constructor parameters, which
    /// become records' properties), with the features that declare it; an attribute also by its short name.</summary>
    private static Dictionary<string, HashSet<string>> DeclaredNames(SourceModel model)
    {
        var declaredIn = new Dictionary<string, HashSet<string>>();
        void Add(string name, string feature)
        {
            (declaredIn.TryGetValue(name, out var set) ? set : declaredIn[name] = []).Add(feature);
            if (name.EndsWith("Attribute", StringComparison.Ordinal) && name.Length > "Attribute".Length) Add(name[..^"Attribute".Length], feature);
        }
        foreach (var tree in model.ServiceTrees)
        {
            if (model.FeatureOf(tree.FilePath) is not { } feature) continue;
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                var identifier = node switch
                {
                    BaseTypeDeclarationSyntax t => t.Identifier, DelegateDeclarationSyntax d => d.Identifier,
                    MethodDeclarationSyntax m => m.Identifier, PropertyDeclarationSyntax p => p.Identifier, EventDeclarationSyntax ev => ev.Identifier,
                    VariableDeclaratorSyntax { Parent.Parent: BaseFieldDeclarationSyntax } v => v.Identifier,
                    EnumMemberDeclarationSyntax em => em.Identifier,
                    ParameterSyntax { Parent.Parent: TypeDeclarationSyntax } p => p.Identifier,
                    _ => default,
                };
                if (identifier.ValueText is { Length: > 0 } text) Add(text, feature);
            }
        }
        return declaredIn;
    }

    /// <summary>The same uses one level up: wing → wings it uses, each edge with the feature uses that make it.</summary>
    public static Dictionary<string, Dictionary<string, string>> Wings(SourceModel model, IReadOnlyDictionary<string, Dictionary<string, string>> features)
    {
        var wingOf = model.ServiceTrees.Select(t => (Feature: model.FeatureOf(t.FilePath), Wing: model.WingOf(t.FilePath)))
            .Where(x => x.Feature is not null).DistinctBy(x => x.Feature).ToDictionary(x => x.Feature!, x => x.Wing!);
        var wings = wingOf.Values.Distinct().ToDictionary(w => w, _ => new Dictionary<string, string>());
        foreach (var (from, edges) in features)
            foreach (var (to, where) in edges)
                if (wingOf[from] != wingOf[to])
                    wings[wingOf[from]][wingOf[to]] = wings[wingOf[from]].TryGetValue(wingOf[to], out var seen)
                        ? $"{seen}\n      {from} → {to}: {where}" : $"{from} → {to}: {where}";
        return wings;
    }

    /// <summary>Every cycle's nodes in order (one per strongly connected component with more than one node, or a self-loop).</summary>
    public static List<List<string>> Cycles(IReadOnlyDictionary<string, IEnumerable<string>> graph)
    {
        // Tarjan's strongly connected components: a component of two or more features is a cycle among them.
        var index = 0;
        var indexes = new Dictionary<string, int>();
        var lows = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var cycles = new List<List<string>>();
        IEnumerable<string> Next(string n) => graph.TryGetValue(n, out var to) ? to : [];

        void Visit(string n)
        {
            indexes[n] = lows[n] = index++;
            stack.Push(n);
            onStack.Add(n);
            foreach (var m in Next(n))
            {
                if (!indexes.ContainsKey(m)) { Visit(m); lows[n] = Math.Min(lows[n], lows[m]); }
                else if (onStack.Contains(m)) lows[n] = Math.Min(lows[n], indexes[m]);
            }
            if (lows[n] != indexes[n]) return;
            var component = new List<string>();
            string top;
            do { top = stack.Pop(); onStack.Remove(top); component.Add(top); } while (top != n);
            if (component.Count > 1 || Next(n).Contains(n)) cycles.Add([.. component.Order()]);
        }

        foreach (var node in graph.Keys.Concat(graph.Values.SelectMany(v => v)).Distinct().Order())
            if (!indexes.ContainsKey(node)) Visit(node);
        return cycles;
    }
}
