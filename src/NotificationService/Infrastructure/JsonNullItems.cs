using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace NotificationService.Infrastructure;

/// <summary>
/// Finds `null` items in the arrays of a request model (`"recipients": [{…}, null]`, `"channels": ["email", null]`):
/// System.Text.Json admits them, and code that walks a `string[]` or a `BatchRecipient[]` does not expect one (a 500
/// in BatchExpander). Checked once for every body <see cref="JsonBody"/> reads, by the model's own JSON contract, so
/// the answer names each item by the path the caller wrote (`recipients[3]`). Free-form JSON (`data`, `metadata`,
/// `settings`: JsonNode) may hold nulls; dictionaries are walked into but their values may be null on purpose
/// (a PATCH that clears a choice).
/// </summary>
internal static class JsonNullItems
{
    private const int MaxDepth = 16;   // request models nest a few levels; the walk never follows free-form JSON

    public static Dictionary<string, string[]> Find(object value, JsonSerializerOptions options)
    {
        var found = new Dictionary<string, string[]>();
        Walk(value, options.GetTypeInfo(value.GetType()), "", options, found, 0);
        return found;
    }

    private static void Walk(object value, JsonTypeInfo info, string path, JsonSerializerOptions options,
        Dictionary<string, string[]> found, int depth)
    {
        if (depth > MaxDepth || IsFreeForm(info.Type)) return;
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object:
                foreach (var property in info.Properties)
                    if (property.Get?.Invoke(value) is { } v && !IsFreeForm(property.PropertyType))
                        Walk(v, options.GetTypeInfo(property.PropertyType),
                            path.Length == 0 ? property.Name : $"{path}.{property.Name}", options, found, depth + 1);
                break;
            case JsonTypeInfoKind.Enumerable when info.ElementType is { } elementType && !IsFreeForm(elementType):
                var index = 0;
                JsonTypeInfo? element = null;
                foreach (var item in (IEnumerable)value)
                {
                    if (item is null) found[$"{path}[{index}]"] = ["An item cannot be null."];
                    else Walk(item, element ??= options.GetTypeInfo(elementType), $"{path}[{index}]", options, found, depth + 1);
                    index++;
                }
                break;
            case JsonTypeInfoKind.Dictionary when info.ElementType is { } valueType && !IsFreeForm(valueType):
                JsonTypeInfo? values = null;
                foreach (DictionaryEntry entry in (IDictionary)value)
                    if (entry.Value is { } v)
                        Walk(v, values ??= options.GetTypeInfo(valueType), $"{path}.{entry.Key}", options, found, depth + 1);
                break;
        }
    }

    private static bool IsFreeForm(Type type) =>
        typeof(JsonNode).IsAssignableFrom(type) || type == typeof(JsonElement) || type == typeof(object);
}
