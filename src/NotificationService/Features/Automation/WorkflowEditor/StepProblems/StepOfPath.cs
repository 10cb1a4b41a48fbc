using System.Text.Json.Nodes;

namespace NotificationService.Features.Automation.WorkflowEditor.StepProblems;

/// <summary>
/// Finds the step a JSON path points into (`$.steps[2].arms[0].when` → the branch at `$.steps[2]`), so the editor can
/// show each problem on its card. The innermost object on the path that carries a string `id` is the step: arms and
/// wait outcomes have none, and the root has a `key` instead, so problems outside every step name no step.
/// </summary>
public static class StepOfPath
{
    public static string? Find(JsonNode? root, string path)
    {
        string? stepId = null;
        var node = root;
        foreach (var segment in Segments(path))
        {
            StepIdOf(node, ref stepId);
            node = segment switch
            {
                int index when node is JsonArray a && index < a.Count => a[index],
                string name when node is JsonObject o => o[name],
                _ => null,
            };
            if (node is null) return stepId;
        }
        StepIdOf(node, ref stepId);
        return stepId;
    }

    private static void StepIdOf(JsonNode? node, ref string? stepId)
    {
        if (node is JsonObject o && o["id"] is JsonValue v && v.TryGetValue<string>(out var id)) stepId = id;
    }

    /// <summary>`$.steps[2].arms[0].when` → "steps", 2, "arms", 0, "when". Paths come from the parser and the schema,
    /// which write names plainly (step fields have no dots or brackets).</summary>
    private static IEnumerable<object> Segments(string path)
    {
        var rest = path.StartsWith('$') ? path[1..] : path;
        foreach (var part in rest.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = part.IndexOf('[');
            yield return bracket < 0 ? part : part[..bracket];
            if (bracket < 0) continue;
            foreach (var index in part[(bracket + 1)..].TrimEnd(']').Split("]["))
                if (int.TryParse(index, out var i)) yield return i;
        }
    }
}
