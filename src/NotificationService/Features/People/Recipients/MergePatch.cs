using System.Text.Json.Nodes;

namespace NotificationService.Features.People.Recipients;

/// <summary>
/// JSON Merge Patch (RFC 7396), the algorithm of its section 2: a patch object's members replace the target's, a `null`
/// member removes one, objects merge recursively, and anything that is not an object (an array, a string, `null`)
/// replaces the target whole. Pure: neither argument is changed, the result shares no node with them.
/// </summary>
public static class MergePatch
{
    public static JsonNode? Apply(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject members) return patch?.DeepClone();
        var result = target is JsonObject o ? o.DeepClone().AsObject() : new JsonObject();
        foreach (var (name, value) in members)
        {
            if (value is null) result.Remove(name);
            else result[name] = Apply(result[name], value);
        }
        return result;
    }
}
