using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using NotificationService.Channels;
using NotificationService.Contracts;

namespace NotificationService.Infrastructure;

/// <summary>
/// Schema fixes the generator cannot know: the closed vocabularies (channel, priority, notification status) as enums,
/// and nullable references as `anyOf` — the generated `oneOf: [null, X]` rejects `null` whenever X also admits it
/// (a free-form object does), so a valid `metadata: null` failed validation.
/// </summary>
internal static class ApiDocsSchemas
{
    private static readonly string[] Priorities = ["high", "normal", "low"];

    /// <summary>Schemas whose `status` is a notification's status (bulk jobs and batches have their own words).</summary>
    private static readonly HashSet<string> NotificationShapes =
        ["NotificationStatus", "NotificationSummary", "StatusEvent", "AcceptedNotification"];

    public static void Tighten(string schemaName, IOpenApiSchema schema)
    {
        if (schema is not OpenApiSchema s || s.Properties is null) return;
        foreach (var (property, value) in s.Properties)
        {
            if (value is not OpenApiSchema p) continue;
            if (p.OneOf is { Count: 2 } one && one.Any(IsNull)) { p.AnyOf = one; p.OneOf = null; }
            switch (property)
            {
                case "channel": Enumerate(p, ChannelNames.All); break;
                case "channels" when p.Items is OpenApiSchema items: Enumerate(items, ChannelNames.All); break;
                case "priority": Enumerate(p, Priorities); break;
                case "status" when NotificationShapes.Contains(schemaName): Enumerate(p, NotificationStatuses.All); break;
            }
        }
    }

    private static bool IsNull(IOpenApiSchema s) => s.Type == JsonSchemaType.Null;

    private static void Enumerate(OpenApiSchema p, IEnumerable<string> values)
    {
        // Only string fields: an integer that also reads from a string (a provider's numeric priority) is not a word.
        if (p.Type is not { } type || !type.HasFlag(JsonSchemaType.String) || type.HasFlag(JsonSchemaType.Integer)) return;
        p.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v)!)];
        if (type.HasFlag(JsonSchemaType.Null)) p.Enum.Add(null!);
    }
}
