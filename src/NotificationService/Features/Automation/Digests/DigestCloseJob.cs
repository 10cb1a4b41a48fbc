using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NotificationService.Queue;

namespace NotificationService.Features.Automation.Digests;

/// <summary>The `digest-close` job of the `workflows` queue: close window <see cref="WindowId"/>, due at <see cref="At"/>. A
/// sliding window whose close moved since finds a later close time and queues itself again for it.</summary>
public sealed record DigestCloseJob(
    [property: JsonPropertyName("w")] Guid WindowId,
    [property: JsonPropertyName("at")] DateTimeOffset At) : IJobArgs<DigestCloseJob>
{
    public const string JobKind = "digest-close";
    static string IJobArgs<DigestCloseJob>.Kind => JobKind;
    public static JsonTypeInfo<DigestCloseJob> JsonType => DigestJobsJson.Default.DigestCloseJob;
}

[JsonSerializable(typeof(DigestCloseJob))]
[JsonSerializable(typeof(DigestedRunsJob))]
internal sealed partial class DigestJobsJson : JsonSerializerContext;
