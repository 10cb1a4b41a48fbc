using System.Runtime.CompilerServices;
using NotificationService.Workflows.Definitions;

namespace NotificationService.Workflows.Runs;

/// <summary>
/// Where each step sits: the list that holds it, its place there and the step whose list it is. "After a step" is its next
/// sibling, or, at the end of its list, after the step that holds the list (a branch or a wait), up to the end of the run.
/// Built once per definition.
/// </summary>
public sealed class StepIndex
{
    private readonly record struct Place(IReadOnlyList<Step> List, int Index, Step? Container);

    private readonly Dictionary<string, Place> _places = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Step> _steps = new(StringComparer.Ordinal);

    private static readonly ConditionalWeakTable<WorkflowDefinition, StepIndex> Cache = new();

    public static StepIndex Of(WorkflowDefinition definition) => Cache.GetValue(definition, d => new StepIndex(d));

    private StepIndex(WorkflowDefinition definition) => Add(definition.Steps, null);

    private void Add(IReadOnlyList<Step> list, Step? container)
    {
        for (var i = 0; i < list.Count; i++)
        {
            _places[list[i].Id] = new Place(list, i, container);
            _steps[list[i].Id] = list[i];
            foreach (var child in list[i].Children()) Add(child, list[i]);
        }
    }

    public Step? Find(string id) => _steps.GetValueOrDefault(id);

    /// <summary>The step to execute after <paramref name="id"/> finished (null: the run is at its end).</summary>
    public string? After(string id)
    {
        var place = _places[id];
        if (place.Index + 1 < place.List.Count) return place.List[place.Index + 1].Id;
        return place.Container is null ? null : After(place.Container.Id);
    }

    /// <summary>The first step of a nested list of <paramref name="container"/>, or what follows the container when it is empty.</summary>
    public string? Enter(Step container, IReadOnlyList<Step> list) => list.Count > 0 ? list[0].Id : After(container.Id);
}
