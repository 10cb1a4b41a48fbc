using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotificationService.Infrastructure;

/// <summary>
/// What a <see cref="JsonException"/> from reading a request body means, said as a 400 naming the field. System.Text.Json
/// says "could not be converted" for a number too large for its field and for a body nested too deep alike, and the
/// caller cannot act on "malformed or the wrong type": those two are told apart here and said as what they are.
/// </summary>
internal static class JsonReadErrors
{
    public static RequestValidationException Of(JsonException e, byte[] raw, int maxDepth)
    {
        var path = string.IsNullOrEmpty(e.Path) ? "$" : e.Path;
        var field = FieldOf(path);
        var duplicate = e.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase);
        // Free-form JSON (a JsonElement) reports its own root as the path: the name given twice is found in the body.
        if (duplicate && JsonDuplicateNames.Find(raw) is { } named) field = named;
        if (e.Message.Contains("could not be mapped", StringComparison.Ordinal))
            return RequestValidationException.For(field, "Unknown property.");
        if (duplicate) return RequestValidationException.For(field, "A property named twice.");
        // Named by its top-level field (`data`), as the send's own depth rule names it: the path 64 levels down says no more.
        if (DeeperThan(raw, maxDepth))
            return RequestValidationException.For(TopLevelOf(path), $"Nested deeper than {maxDepth} levels.");
        // The reader's own FormatException: a number it could not fit in the field's type (never a wrong token type).
        if (e.InnerException is FormatException && NumberAt(raw, path) is { } number)
            return RequestValidationException.For(field, OutOfRange(number));
        return RequestValidationException.For(field, "Malformed JSON, or a value of the wrong type for this field.");
    }

    private static string FieldOf(string path) => path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    /// <summary>`data` of `$.data.a[0]`, `x y` of `$['x y'].z`; `$` for the root.</summary>
    private static string TopLevelOf(string path)
    {
        if (path.StartsWith("$['", StringComparison.Ordinal) && path.IndexOf("']", 3, StringComparison.Ordinal) is var close and > 0)
            return path[3..close];
        if (!path.StartsWith("$.", StringComparison.Ordinal)) return "$";
        var end = path.IndexOfAny(['.', '['], 2);
        return end < 0 ? path[2..] : path[2..end];
    }

    /// <summary>Whether a container opens with <paramref name="max"/> others around it: the reader of the body refuses that.</summary>
    private static bool DeeperThan(ReadOnlySpan<byte> raw, int max)
    {
        var reader = new Utf8JsonReader(raw, new JsonReaderOptions { MaxDepth = max + 1 });
        try
        {
            while (reader.Read())
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= max) return true;
        }
        catch (JsonException) { }   // malformed before that depth: not this problem
        return false;
    }

    /// <summary>The number at <paramref name="path"/> (System.Text.Json's spelling, as <see cref="JsonNode.GetPath"/> writes it),
    /// found by walking down only the nodes whose path leads there.</summary>
    private static JsonValue? NumberAt(byte[] raw, string path)
    {
        try
        {
            var node = JsonNode.Parse(raw);
            while (node is not null && node.GetPath() != path)
            {
                IEnumerable<JsonNode?> children = node switch { JsonObject o => o.Select(p => p.Value), JsonArray a => a, _ => [] };
                node = children.FirstOrDefault(c => c is not null && Leads(c.GetPath(), path));
            }
            return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v : null;
        }
        catch (Exception x) when (x is JsonException or ArgumentException or InvalidOperationException)
        {
            return null;   // a body the walk cannot read (a name given twice further on): the generic message stands
        }
    }

    private static bool Leads(string prefix, string path) =>
        path.StartsWith(prefix, StringComparison.Ordinal) && (path.Length == prefix.Length || path[prefix.Length] is '.' or '[');

    private static string OutOfRange(JsonValue number)
    {
        var text = number.ToJsonString();
        var whole = !text.AsSpan().ContainsAny(".eE");
        return whole || !double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d)
            ? "Out of range: the number is too large or too small for this field."
            : "A whole number is expected here (no fraction or exponent).";
    }
}
