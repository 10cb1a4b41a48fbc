using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Templates;

namespace NotificationService.Templates.Tests;

/// <summary>The first JsonDataConverter, kept verbatim as the oracle for the leaner one (same values out,
/// same limit decisions). Its own description follows.</summary>
/// <remarks>Turns JSON data into plain dictionaries, arrays and primitives, the shapes Handlebars.Net reads
/// natively. Only values come out: nothing in the data is ever compiled or invoked.
/// The same pass enforces <see cref="TemplateDataLimits"/> (depth, and size measured as the UTF-8 length of
/// strings, keys and numbers plus JSON punctuation), so oversized data is never serialized just to measure it.</remarks>
internal sealed class ReferenceJsonDataConverter
{
    private long bytes;

    public static object? ToPlain(JsonNode? node) => new ReferenceJsonDataConverter().Convert(node, 1);

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
                foreach (var (key, value) in obj)
                {
                    Count(Encoding.UTF8.GetByteCount(key) + 3);
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
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                var text = value.GetValue<string>();
                Count(Encoding.UTF8.GetByteCount(text));
                return text;
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.Null: return null;
            case JsonValueKind.Number: return ToNumber(value);
            default: return value.ToJsonString();
        }
    }

    /// <summary>Integers become long; other numbers become decimal parsed from the JSON text, which keeps
    /// the digits as written ("19.90" prints as 19.90) and never picks up binary floating-point noise.
    /// Only numbers outside decimal's range fall back to double.</summary>
    private object ToNumber(JsonValue value)
    {
        if (value.TryGetValue<JsonElement>(out var element))
        {
            Count(element.GetRawText().Length);
            if (element.TryGetInt64(out var integer)) return integer;
            if (element.TryGetDecimal(out var exact)) return exact;
            return element.GetDouble();
        }
        var text = value.ToJsonString();
        Count(text.Length);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)) return whole;
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)) return parsed;
        return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private void Count(long more)
    {
        bytes += more;
        if (bytes > TemplateDataLimits.MaxDataBytes)
            throw new TemplateDataTooLargeException($"Template data is larger than {TemplateDataLimits.MaxDataBytes} bytes (1 MB).");
    }
}
