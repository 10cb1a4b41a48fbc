using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotificationService.Templates;

/// <summary>Turns JSON data into plain dictionaries, arrays and primitives, the shapes Handlebars.Net reads
/// natively. Only values come out: nothing in the data is ever compiled or invoked.
/// The same pass enforces <see cref="TemplateDataLimits"/> (depth, and size measured as the UTF-8 length of
/// strings, keys and numbers plus JSON punctuation), so oversized data is never serialized just to measure it.</summary>
internal sealed class JsonDataConverter
{
    private long bytes;

    public static object? ToPlain(JsonNode? node) => new JsonDataConverter().Convert(node, 1);

    private object? Convert(JsonNode? node, int depth)
    {
        if (depth > TemplateDataLimits.MaxDepth)
            throw new TemplateDataTooLargeException($"Template data is nested deeper than {TemplateDataLimits.MaxDepth} levels.");
        Count(2); // braces, brackets, commas, colons, or "null"
        switch (node)
        {
            case null: return null;
            case JsonObject { Count: 0 }: return EmptyJsonObject.Instance;
            case JsonObject obj:
                var result = new JsonObjectData(obj.Count);
                // By index: the JsonObject enumerator is a boxed interface enumerator, measurable per render.
                for (var i = 0; i < obj.Count; i++)
                {
                    var (key, value) = obj.GetAt(i);
                    Count(Utf8Length(key) + 3);
                    result[key] = Convert(value, depth + 1);
                }
                return result;
            case JsonArray array:
                var items = new object?[array.Count];
                for (var i = 0; i < items.Length; i++) items[i] = Convert(array[i], depth + 1);
                return items;
            case JsonValue value: return ToPrimitive(value);
            default: return node.ToJsonString();
        }
    }

    private object? ToPrimitive(JsonValue value)
    {
        // Data parsed from JSON text (every send) holds JsonElements: read them directly, which skips the
        // per-call type dispatch of JsonValue.GetValueKind/GetValue.
        if (value.TryGetValue<JsonElement>(out var element) && element.ValueKind is var kind
            && kind is not (JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Undefined))
            return ToPrimitive(element, kind);
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                var text = value.GetValue<string>();
                Count(Utf8Length(text));
                return text;
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.Null: return null;
            case JsonValueKind.Number: return ToNumber(value);
            default: return value.ToJsonString();
        }
    }

    /// <summary><paramref name="kind"/> is the element's ValueKind, which costs a look-up each time it is read.</summary>
    private object? ToPrimitive(JsonElement element, JsonValueKind kind)
    {
        switch (kind)
        {
            case JsonValueKind.String:
                var text = element.GetString()!;
                Count(Utf8Length(text));
                return text;
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.Null: return null;
            default: return ToNumber(element); // the caller sends only strings, numbers, booleans and null here
        }
    }

    /// <summary>Integers become long; other numbers become decimal parsed from the JSON text, which keeps
    /// the digits as written ("19.90" prints as 19.90) and never picks up binary floating-point noise.
    /// Only numbers outside decimal's range fall back to double.</summary>
    private object ToNumber(JsonValue value)
    {
        if (value.TryGetValue<JsonElement>(out var element)) return ToNumber(element);
        var text = value.ToJsonString();
        Count(text.Length);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)) return whole;
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)) return parsed;
        return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private object ToNumber(JsonElement element)
    {
        // The raw UTF-8 of a number is ASCII: its byte count is the length GetRawText() would have, without the string.
        Count(JsonMarshal.GetRawUtf8Value(element).Length);
        if (element.TryGetInt64(out var integer)) return integer;
        if (element.TryGetDecimal(out var exact)) return exact;
        return element.GetDouble();
    }

    /// <summary>Encoding.UTF8.GetByteCount, without its call and set-up for the short ASCII keys and values
    /// that make up most data: every key and string of every render is measured.</summary>
    private static int Utf8Length(string text)
    {
        if (text.Length > 32) return Encoding.UTF8.GetByteCount(text);
        var all = 0;
        foreach (var c in text) all |= c;
        return all < 0x80 ? text.Length : Encoding.UTF8.GetByteCount(text);
    }

    private void Count(long more)
    {
        bytes += more;
        if (bytes > TemplateDataLimits.MaxDataBytes)
            throw new TemplateDataTooLargeException($"Template data is larger than {TemplateDataLimits.MaxDataBytes} bytes (1 MB).");
    }
}
