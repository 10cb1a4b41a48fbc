namespace NotificationService.Tests.Architecture;

/// <summary>
/// Feature folders may use shared contracts and each other, but never in a circle: a cycle means two features can only
/// change together, which is what folders were meant to prevent.
/// </summary>
public class FeatureDependencyTests
{
    [Fact]
    public void Feature_folders_depend_on_each_other_without_cycles()
    {
        var graph = FeatureGraph.Build(SourceModel.Service);
        Assert.True(graph.Count >= 10, $"expected the service's feature folders, found {graph.Count}: {string.Join(", ", graph.Keys)}");
        var cycles = FeatureGraph.Cycles(graph.ToDictionary(g => g.Key, g => (IEnumerable<string>)g.Value.Keys));
        Assert.True(cycles.Count == 0, "feature folders in a cycle:\n" + string.Join("\n", cycles.Select(c =>
            string.Join(" ↔ ", c) + "\n    " + string.Join("\n    ", c.SelectMany(from => graph[from].Where(e => c.Contains(e.Key)).Select(e => $"{from} → {e.Key}: {e.Value}"))))));
    }

    [Fact]
    public void The_graph_sees_real_uses_of_another_feature()
    {
        // The checker itself must be able to fail: these edges exist by design, so a graph without them is blind.
        var graph = FeatureGraph.Build(SourceModel.Service);
        Assert.Contains("Notifications", graph["Delivery"].Keys);
        Assert.Contains("Notifications", graph["Webhooks"].Keys);
        Assert.Contains("Templates", graph["Notifications"].Keys);
    }

    [Fact]
    public void The_cycle_finder_reports_every_cycle_and_nothing_else()
    {
        var graph = new Dictionary<string, IEnumerable<string>>
        {
            ["A"] = ["B"], ["B"] = ["C"], ["C"] = ["A", "D"], ["D"] = ["E"], ["E"] = [], ["F"] = ["F"], ["G"] = ["A"],
        };
        var cycles = FeatureGraph.Cycles(graph);
        Assert.Equal(["A,B,C", "F"], cycles.Select(c => string.Join(',', c)).Order());
        Assert.Empty(FeatureGraph.Cycles(new Dictionary<string, IEnumerable<string>> { ["A"] = ["B"], ["B"] = ["C"], ["C"] = [] }));
    }
}
