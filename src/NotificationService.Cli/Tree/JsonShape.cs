using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotificationService.Cli.Tree;

/// <summary>What a field of a tree's JSON file must hold (null, or the field left out, is always allowed).</summary>
internal enum FieldKind { Text, Flag, TextList, Object }

/// <summary>
/// The JSON files of a tree checked before anything reads them: each parses, is a JSON object, and each field a push or
/// validate reads has the type they need, so a hand edit gives a problem at its file and line, never a crash.
/// </summary>
internal static class JsonShape
{
    /// <summary>The file's object, or null with the reason in <paramref name="problems"/>.</summary>
    public static JsonObject? Read(ConfigTree tree, string path, List<TreeProblem> problems, params (string Field, FieldKind Kind)[] fields)
    {
        var text = tree.Files[path];
        JsonNode? node;
        try { node = JsonNode.Parse(text); }
        catch (JsonException e)
        {
            // The parser's message ends with its own zero-based position; the problem gives the line the editor shows.
            var reason = e.Message.Split(" LineNumber:")[0].Split(" Path:")[0];
            problems.Add(new TreeProblem(path, (int)(e.LineNumber ?? 0) + 1, "Not valid JSON: " + reason));
            return null;
        }
        if (node is not JsonObject o)
        {
            problems.Add(new TreeProblem(path, 1, "Must be a JSON object ({ ... })."));
            return null;
        }
        var before = problems.Count;
        foreach (var (field, kind) in fields)
            if (o[field] is { } value && !Fits(value, kind))
                problems.Add(new TreeProblem(path, LineOf(text, field), $"\"{field}\" must be {Expected(kind)}, not {Described(value)}."));
        return problems.Count == before ? o : null;
    }

    private static bool Fits(JsonNode value, FieldKind kind) => kind switch
    {
        FieldKind.Text => value.GetValueKind() == JsonValueKind.String,
        FieldKind.Flag => value.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        FieldKind.TextList => value is JsonArray list && list.All(v => v?.GetValueKind() == JsonValueKind.String),
        _ => value is JsonObject,
    };

    private static string Expected(FieldKind kind) => kind switch
    {
        FieldKind.Text => "a string or null",
        FieldKind.Flag => "true or false",
        FieldKind.TextList => "a list of strings, such as [\"name\"]",
        _ => "an object ({ ... })",
    };

    private static string Described(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.Array => "a list holding " + string.Join(", ", value.AsArray().Select(v => v?.ToJsonString() ?? "null")),
        JsonValueKind.Object => "an object",
        _ => value.ToJsonString(),
    };

    /// <summary>The line of a top-level field (1-based; 0 when it cannot be found), for the editor to jump to.</summary>
    public static int LineOf(string text, string field)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes);
        try
        {
            while (reader.Read())
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals(field))
                    return 1 + bytes.AsSpan(0, (int)reader.TokenStartIndex).Count((byte)'\n');
        }
        catch (JsonException) { }
        return 0;
    }
}
