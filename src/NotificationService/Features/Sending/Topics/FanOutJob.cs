using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Topics;

/// <summary>The `fan_out` job's arguments: the fan-out to expand (its tenant is the job's).</summary>
public sealed record FanOutJob([property: JsonPropertyName("fanOut")] Guid FanOutId) : IJobArgs<FanOutJob>
{
    public static string Kind => "fan_out";
    public static JsonTypeInfo<FanOutJob> JsonType => FanOutJobsJson.Default.FanOutJob;
}

[JsonSerializable(typeof(FanOutJob))]
internal sealed partial class FanOutJobsJson : JsonSerializerContext;
