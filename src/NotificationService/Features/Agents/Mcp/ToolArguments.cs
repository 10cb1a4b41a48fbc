using System.Text.Json;

namespace NotificationService.Features.Agents.Mcp;

/// <summary>
/// A call's arguments against the tool's own input schema (the one tools/list shows), before the tool runs: each
/// required argument present, each given one of its type and format. The library would otherwise fail while binding and
/// answer "an error occurred", naming no argument; here the agent learns which one to correct. An integer fits 32 bits,
/// as every tool's count and version number does.
/// </summary>
public static class ToolArguments
{
    public static IReadOnlyList<string> Problems(JsonElement schema, IDictionary<string, JsonElement>? arguments)
    {
        var problems = new List<string>();
        var given = arguments ?? new Dictionary<string, JsonElement>();
        if (schema.TryGetProperty("required", out var required))
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!).Where(r => !given.ContainsKey(r)))
                problems.Add($"{name}: required");
        if (!schema.TryGetProperty("properties", out var properties)) return problems;
        foreach (var (name, value) in given)
            if (properties.TryGetProperty(name, out var property) && Problem(property, value) is { } problem)
                problems.Add($"{name}: {problem}");
        return problems;
    }

    private static string? Problem(JsonElement property, JsonElement value)
    {
        var types = !property.TryGetProperty("type", out var type) ? []
            : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToArray() : [type.GetString()!];
        if (types.Length == 0) return null;
        var format = property.TryGetProperty("format", out var f) ? f.GetString() : null;
        var fits = value.ValueKind switch
        {
            JsonValueKind.Null => types.Contains("null"),
            JsonValueKind.String => types.Contains("string") && format switch
            {
                "uuid" => Guid.TryParse(value.GetString(), out _),
                "date-time" => DateTimeOffset.TryParse(value.GetString(), System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.None, out _),
                _ => true,
            },
            JsonValueKind.Number => types.Contains("number") || types.Contains("integer") && value.TryGetInt32(out _),
            JsonValueKind.True or JsonValueKind.False => types.Contains("boolean"),
            JsonValueKind.Object => types.Contains("object"),
            JsonValueKind.Array => types.Contains("array"),
            _ => false,
        };
        return fits ? null : $"expected {string.Join(" or ", types.Select(t => t == "string" && format is not null ? format : t))}";
    }
}
