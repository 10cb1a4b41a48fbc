using NotificationService.Tests.Support;

namespace NotificationService.Tests.Architecture;

/// <summary>
/// Feature folders may use shared contracts and each other, but never in a circle: a cycle means two features can only
/// change together, which is what folders were meant to prevent.
/// </summary>
[StartsFirst(6)]   // binding every feature file's names takes half a minute of one core: started early, not at the run's tail
public class FeatureDependencyTests
{
    [Fact]
    public void Feature_folders_depend_on_each_other_without_cycles()
    {
        var graph = FeatureGraph.Service;
        Assert.True(graph.Count >= 10, $"expected the service's feature folders, found {graph.Count}: {string.Join(", ", graph.Keys)}");
        var cycles = FeatureGraph.Cycles(graph.ToDictionary(g => g.Key, g => (IEnumerable<string>)g.Value.Keys));
        Assert.True(cycles.Count == 0, "feature folders in a cycle:\n" + string.Join("\n", cycles.Select(c =>
            string.Join(" ↔ ", c) + "\n    " + string.Join("\n    ", c.SelectMany(from => graph[from].Where(e => c.Contains(e.Key)).Select(e => $"{from} → {e.Key}: {e.Value}"))))));
    }

    [Fact]
    public void Wings_depend_on_each_other_without_cycles()
    {
        // Wings are layers a newcomer can read bottom-up: Tenancy, People, Sending, Automation, Operations, Administration.
        // A use pointing back down-to-up closes a cycle: the message names every feature use on it.
        var graph = FeatureGraph.Wings(SourceModel.Service, FeatureGraph.Service);
        Assert.True(graph.Count >= 5, $"expected the service's wings, found {graph.Count}: {string.Join(", ", graph.Keys)}");
        var cycles = FeatureGraph.Cycles(graph.ToDictionary(g => g.Key, g => (IEnumerable<string>)g.Value.Keys));
        Assert.True(cycles.Count == 0, "wings in a cycle:\n" + string.Join("\n", cycles.Select(c =>
            string.Join(" ↔ ", c) + "\n    " + string.Join("\n    ", c.SelectMany(from => graph[from].Where(e => c.Contains(e.Key)).Select(e => $"{from} → {e.Key}:\n      {e.Value}"))))));
    }

    [Fact]
    public void Every_feature_folder_sits_in_a_wing_and_its_specs_mirror_it()
    {
        var src = Path.Combine(SourceModel.Service.SrcRoot, "NotificationService", "Features");
        var loose = Directory.GetFiles(src, "*.cs", SearchOption.TopDirectoryOnly)
            .Concat(Directory.GetDirectories(src).SelectMany(w => Directory.GetFiles(w, "*.cs", SearchOption.TopDirectoryOnly)));
        Assert.Empty(loose.Select(f => Path.GetRelativePath(src, f)));
        var tests = Path.Combine(SourceModel.RepoRoot(), "tests", "NotificationService.Tests", "Features");
        var features = Directory.GetDirectories(src).SelectMany(Directory.GetDirectories).Select(d => Path.GetRelativePath(src, d)).ToHashSet();
        var specFolders = Directory.GetDirectories(tests).SelectMany(Directory.GetDirectories).Select(d => Path.GetRelativePath(tests, d));
        Assert.Empty(specFolders.Where(f => !features.Contains(f)).Select(f => $"tests/…/Features/{f} has no src/…/Features/{f}"));
    }

    [Fact]
    public void The_graph_sees_real_uses_of_another_feature()
    {
        // The checker itself must be able to fail: these edges exist by design, so a graph without them is blind.
        var graph = FeatureGraph.Service;
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
