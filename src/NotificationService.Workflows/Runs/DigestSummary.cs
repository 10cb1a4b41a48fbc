using System.Text.Json.Nodes;
using NotificationService.Workflows.Definitions;

namespace NotificationService.Workflows.Runs;

/// <summary>
/// What a run that carries a digest sees at `steps.&lt;id&gt;`: `count` (exact), `events` (the kept events' data: the first
/// and the last N, in order), `actors` (`count` distinct and the `first` few). The host builds it when the window closes;
/// this is its shape, and the stand-in a trigger checks its templates against before any window exists.
/// </summary>
public static class DigestSummary
{
    /// <summary>How many distinct actors a digest names (`actors.first`).</summary>
    public const int FirstActors = 5;

    /// <summary>For each digest step, a digest of the trigger's one event: a template reading `steps.batch.count` or
    /// `steps.batch.events` is checked at the trigger as it will be rendered.</summary>
    public static JsonObject StandIns(WorkflowDefinition definition, JsonNode? data, JsonNode? actor)
    {
        var steps = new JsonObject();
        foreach (var digest in definition.AllSteps().OfType<DigestStep>())
            steps[digest.Id] = new JsonObject
            {
                ["count"] = 1,
                ["events"] = new JsonArray(data?.DeepClone()),
                ["actors"] = new JsonObject
                {
                    ["count"] = actor is null ? 0 : 1, ["first"] = actor is null ? new JsonArray() : new JsonArray(actor.DeepClone())
                },
            };
        return steps;
    }
}
