using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotificationService.Tests.Infrastructure;

/// <summary>
/// Just enough JSON Schema (OpenAPI 3.1) for the fuzz spec: resolve `$ref`, make an example value, and check a value
/// against a schema (type, required, properties, additionalProperties, items, enum, anyOf/oneOf).
/// </summary>
internal sealed class OpenApiSchemas(JsonNode document)
{
    public JsonNode Resolve(JsonNode schema)
    {
        for (var depth = 0; schema["$ref"]?.GetValue<string>() is { } r && depth < 32; depth++)
            schema = document["components"]!["schemas"]![r.Split('/').Last()]!;
        return schema;
    }

    private static IReadOnlyList<string> Types(JsonNode schema) => schema["type"] switch
    {
        JsonArray a => [.. a.Select(t => t!.GetValue<string>())],
        JsonValue v => [v.GetValue<string>()],
        _ => [],
    };

    public IEnumerable<(string Name, JsonNode Schema)> Properties(JsonNode schema) =>
        Resolve(schema)["properties"]?.AsObject().Select(p => (p.Key, Resolve(p.Value!))) ?? [];

    public IEnumerable<string> Required(JsonNode schema) =>
        Resolve(schema)["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? [];

    /// <summary>A value the schema admits (first enum value, first non-null type; objects with every property).</summary>
    public JsonNode? Example(JsonNode schema, int depth)
    {
        schema = Resolve(schema);
        if (depth > 6) return null;
        if (schema["enum"] is JsonArray e && e.FirstOrDefault(v => v is not null) is { } first) return first.DeepClone();
        if ((schema["anyOf"] ?? schema["oneOf"]) is JsonArray alternatives)
            return alternatives.Select(a => Resolve(a!)).Where(a => !Types(a).SequenceEqual(["null"])).Select(a => Example(a, depth + 1)).FirstOrDefault();
        var type = Types(schema).FirstOrDefault(t => t != "null");
        return type switch
        {
            "object" or null when schema["properties"] is JsonObject props =>
                new JsonObject(props.Select(p => KeyValuePair.Create(p.Key, Example(p.Value!, depth + 1)))),
            "object" => new JsonObject(),
            "array" => schema["items"] is { } items && Example(items, depth + 1) is { } item ? new JsonArray(item) : new JsonArray(),
            "integer" => 1,
            "number" => 1.5,
            "boolean" => true,
            "string" => schema["format"]?.GetValue<string>() switch
            {
                "uuid" => Guid.NewGuid().ToString(),
                "date-time" => DateTimeOffset.UtcNow.AddHours(1).ToString("O"),
                "binary" => "x",
                _ => "x",
            },
            _ => null,
        };
    }

    /// <summary>A date-time string schema, alone or as one alternative of a nullable one.</summary>
    public bool IsDateTime(JsonNode? schema)
    {
        if (schema is null) return false;
        schema = Resolve(schema);
        return schema["format"]?.GetValue<string>() == "date-time"
            || (schema["anyOf"] ?? schema["oneOf"]) is JsonArray alternatives && alternatives.Any(a => IsDateTime(a));
    }

    /// <summary>The paths (property names; arrays through their first item) of every date-time field of <paramref name="example"/>.</summary>
    public IEnumerable<IReadOnlyList<string>> DateTimePaths(JsonNode schema, JsonObject example, int depth = 0)
    {
        if (depth > 6) yield break;
        foreach (var (name, property) in Properties(schema))
        {
            if (IsDateTime(property)) { yield return [name]; continue; }
            var (value, inner) = example[name] is JsonArray { Count: > 0 } a && Resolve(property)["items"] is { } items ? (a[0], Resolve(items)) : (example[name], property);
            if (value is JsonObject o)
                foreach (var sub in DateTimePaths(Object(inner), o, depth + 1))
                    yield return [name, .. sub];
        }
    }

    /// <summary>The object schema of a property (a nullable reference's non-null alternative).</summary>
    private JsonNode Object(JsonNode schema) =>
        (schema["anyOf"] ?? schema["oneOf"]) is JsonArray alternatives
            ? alternatives.Select(a => Resolve(a!)).FirstOrDefault(a => !Types(a).SequenceEqual(["null"])) ?? schema
            : schema;

    /// <summary>Sets (or, with null, removes) the value at <paramref name="path"/>, going through the first item of arrays.</summary>
    public static void SetAt(JsonObject root, IReadOnlyList<string> path, JsonNode? value)
    {
        JsonObject? target = root;
        foreach (var step in path.SkipLast(1))
            target = target?[step] switch { JsonArray { Count: > 0 } a => a[0] as JsonObject, var n => n as JsonObject };
        if (target is null) return;
        if (value is null) target.Remove(path[^1]);
        else target[path[^1]] = value;
    }

    /// <summary>Where <paramref name="value"/> breaks <paramref name="schema"/>; empty when it fits.</summary>
    public IEnumerable<string> Validate(JsonNode? schema, JsonNode? value, string path)
    {
        if (schema is null) yield break;
        schema = Resolve(schema);
        if ((schema["anyOf"] ?? schema["oneOf"]) is JsonArray alternatives)
        {
            if (!alternatives.Any(a => !Validate(a, value, path).Any())) yield return $"{path}: fits none of {alternatives.Count} alternatives";
            yield break;
        }
        var types = Types(schema);
        var kind = Kind(value);
        if (types.Count > 0 && !types.Contains(kind) && !(kind == "integer" && types.Contains("number")))
        {
            yield return $"{path}: {kind} where the document says {string.Join("|", types)}";
            yield break;
        }
        if (schema["enum"] is JsonArray e && value is not null && !e.Any(x => JsonNode.DeepEquals(x, value)))
            yield return $"{path}: {value.ToJsonString()} is not one of the documented values";
        if (value is JsonObject o)
        {
            foreach (var r in Required(schema).Where(r => !o.ContainsKey(r))) yield return $"{path}.{r}: required but absent";
            var props = schema["properties"]?.AsObject();
            foreach (var (k, v) in o)
            {
                if (props?[k] is { } p) { foreach (var err in Validate(p, v, $"{path}.{k}")) yield return err; }
                else if (schema["additionalProperties"] is JsonObject extra) { foreach (var err in Validate(extra, v, $"{path}.{k}")) yield return err; }
            }
        }
        if (value is JsonArray arr && schema["items"] is { } items)
            foreach (var (item, i) in arr.Select((x, i) => (x, i)))
            foreach (var err in Validate(items, item, $"{path}[{i}]")) yield return err;
    }

    private static string Kind(JsonNode? n) => n switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => v.ToJsonString().Contains('.') || v.ToJsonString().Contains('e') ? "number" : "integer",
            _ => "null",
        },
        _ => "null",
    };
}
