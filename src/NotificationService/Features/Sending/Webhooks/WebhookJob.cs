using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Webhooks;

/// <summary>The `webhook` job's arguments: the delivery to attempt (`{"d":…}`, as jobs have always been written).</summary>
public sealed record WebhookJob([property: JsonPropertyName("d")] Guid DeliveryId) : IJobArgs<WebhookJob>
{
    public static string Kind => "webhook";
    public static JsonTypeInfo<WebhookJob> JsonType => WebhookJobsJson.Default.WebhookJob;
}

[JsonSerializable(typeof(WebhookJob))]
internal sealed partial class WebhookJobsJson : JsonSerializerContext;
