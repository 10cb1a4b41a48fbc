using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotificationService.Templates;

/// <summary>Turns JSON data into plain dictionaries, lists and primitives, the shapes Handlebars.Net reads
/// natively. Only values come out: nothing in the data is ever compiled or invoked.</summary>
internal static class JsonDataConverter
{
    public static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject { Count: 0 } => EmptyJsonObject.Instance,
        JsonObject obj => ToDictionary(obj),
        JsonArray array => array.Select(ToPlain).ToArray(),
        JsonValue value => ToPrimitive(value),
        _ => node.ToJsonString(),
    };

    public static Dictionary<string, object?> ToDictionary(JsonObject obj)
    {
        var result = new JsonObjectData(obj.Count);
        foreach (var (key, value) in obj) result[key] = ToPlain(value);
        return result;
    }

    private static object? ToPrimitive(JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String: return value.GetValue<string>();
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
    private static object ToNumber(JsonValue value)
    {
        var text = value.ToJsonString();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)) return whole;
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact)) return exact;
        return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
