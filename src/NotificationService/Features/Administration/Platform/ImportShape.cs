using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Platform;

/// <summary>
/// Checks an import document's shape before anything is written: every field its types declare non-nullable (a
/// category's `channels`, a template's `versions`, a version's `parts`, a topic's `key`…) must be there, and no list
/// may hold a null. The export's types are the schema, read through their nullable annotations, so a field added to an
/// exported type is checked without a change here. Only the document's own sections may be left out (an import of just
/// templates is fine). Every field missing is named with its path (`templates[0].versions`) in one 400.
/// </summary>
public static class ImportShape
{
    public static void Check(TenantExportDocument doc)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var nullability = new NullabilityInfoContext();
        foreach (var section in typeof(TenantExportDocument).GetProperties())
            if (section.GetValue(doc) is IEnumerable list and not string)
                Walk(list, nullability.Create(section), Name(section), nullability, errors);
        if (errors.Count > 0) throw new RequestValidationException(errors);
    }

    private static void Walk(object value, NullabilityInfo info, string path, NullabilityInfoContext nullability,
        Dictionary<string, string[]> errors)
    {
        switch (value)
        {
            case string or JsonNode or JsonElement: return;
            case IDictionary map:
                var valueInfo = info.GenericTypeArguments.Length == 2 ? info.GenericTypeArguments[1] : null;
                foreach (DictionaryEntry entry in map) Item(entry.Value, valueInfo, $"{path}.{entry.Key}", nullability, errors);
                return;
            case IEnumerable items:
                var itemInfo = info.ElementType ?? (info.GenericTypeArguments.Length == 1 ? info.GenericTypeArguments[0] : null);
                var i = 0;
                foreach (var item in items) Item(item, itemInfo, $"{path}[{i++}]", nullability, errors);
                return;
        }
        if (value.GetType().Namespace?.StartsWith("NotificationService", StringComparison.Ordinal) != true) return;
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (property.GetIndexParameters().Length == 0 && !property.PropertyType.IsValueType)
                Item(property.GetValue(value), nullability.Create(property), $"{path}.{Name(property)}", nullability, errors);
    }

    private static void Item(object? value, NullabilityInfo? info, string path, NullabilityInfoContext nullability,
        Dictionary<string, string[]> errors)
    {
        if (value is not null) Walk(value, info!, path, nullability, errors);
        else if (info?.ReadState == NullabilityState.NotNull) errors[path] = ["Required: an export always has it."];
    }

    private static string Name(PropertyInfo property) => JsonNamingPolicy.CamelCase.ConvertName(property.Name);
}
