using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>
/// The `deliver` job's arguments: the notification ids, everything else is read at delivery. One id is written
/// `{"n":…}`, a group (<see cref="DeliveryGroups"/>) `{"ns":[…]}`: the shape jobs have always had, so jobs queued
/// before an upgrade are still understood.
/// </summary>
public sealed record DeliverJob : IJobArgs<DeliverJob>
{
    public static string Kind => "deliver";
    public static JsonTypeInfo<DeliverJob> JsonType => NotificationJobsJson.Default.DeliverJob;

    [JsonPropertyName("n")] public Guid? One { get; init; }
    [JsonPropertyName("ns")] public Guid[]? Many { get; init; }

    public static DeliverJob For(Guid id) => new() { One = id };
    public static DeliverJob For(IReadOnlyList<Guid> ids) => ids.Count == 1 ? For(ids[0]) : new() { Many = [.. ids] };

    [JsonIgnore] public Guid[] Ids => Many ?? (One is { } id ? [id] : []);
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DeliverJob))]
internal sealed partial class NotificationJobsJson : JsonSerializerContext;
