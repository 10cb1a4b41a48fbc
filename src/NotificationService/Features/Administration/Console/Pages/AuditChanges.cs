using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>One field of an audited object before and after the change (null: the field was not there).</summary>
public sealed record FieldChange(string Field, string? Before, string? After);

/// <summary>
/// An audit entry's before/after as the fields that changed, each as a person reads it: text as written (a template's
/// HTML is HTML, not a JSON string with \u003C escapes), numbers and flags as they are, a list of names as a list. Nested
/// objects become dotted paths (`parts.html`, `settings.fromEmail`). A creation or deletion lists every field it had.
/// </summary>
public static class AuditChanges
{
    public static IReadOnlyList<FieldChange> Of(JsonNode? before, JsonNode? after)
    {
        var (b, a) = (Flatten(before), Flatten(after));
        return b.Keys.Concat(a.Keys).Distinct()
            .Select(f => new FieldChange(f, b.GetValueOrDefault(f), a.GetValueOrDefault(f)))
            .Where(c => c.Before != c.After)
            .ToList();
    }

    /// <summary>How many fields both sides have with the same value (said, not shown).</summary>
    public static int Unchanged(JsonNode? before, JsonNode? after)
    {
        var (b, a) = (Flatten(before), Flatten(after));
        return before is null || after is null ? 0 : b.Count(p => a.TryGetValue(p.Key, out var v) && v == p.Value);
    }

    private static Dictionary<string, string?> Flatten(JsonNode? node)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        Walk(node, "", fields);
        return fields;
    }

    private static void Walk(JsonNode? node, string path, Dictionary<string, string?> into)
    {
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                foreach (var (name, value) in o) Walk(value, path.Length == 0 ? name : $"{path}.{name}", into);
                break;
            case JsonArray a when a.All(i => i is JsonValue):
                into[Field(path)] = string.Join(", ", a.Select(i => Text(i)));
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) Walk(a[i], $"{path}[{i}]", into);
                break;
            default:
                into[Field(path)] = Text(node);
                break;
        }
    }

    private static string Field(string path) => path.Length == 0 ? "(value)" : path;

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonObject { Count: 0 } => "{}",
        _ => node.ToJsonString(),
    };
}
