using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NotificationService.Tests.Architecture;

/// <summary>Which feature folder uses which, from the symbols each file's names bind to, and the cycles in that graph.</summary>
public static class FeatureGraph
{
    /// <summary>Edges feature → features it uses, each with one place that shows it (file:line, the symbol).</summary>
    public static Dictionary<string, Dictionary<string, string>> Build(SourceModel model)
    {
        var graph = new Dictionary<string, Dictionary<string, string>>();
        foreach (var tree in model.ServiceTrees)
        {
            if (model.FeatureOf(tree.FilePath) is not { } from) continue;
            var edges = graph.TryGetValue(from, out var e) ? e : graph[from] = [];
            var semantic = model.Compilation.GetSemanticModel(tree);
            foreach (var name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
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

    /// <summary>The same uses one level up: wing → wings it uses, each edge with the feature uses that make it.</summary>
    public static Dictionary<string, Dictionary<string, string>> Wings(SourceModel model, Dictionary<string, Dictionary<string, string>> features)
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
