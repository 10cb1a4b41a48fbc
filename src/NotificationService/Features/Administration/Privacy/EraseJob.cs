using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NotificationService.Queue;

namespace NotificationService.Features.Administration.Privacy;

/// <summary>The `erase_user` job's arguments: only the erase job's id (`{"e":…}`); the person is in its row, encrypted.</summary>
public sealed record EraseJob([property: JsonPropertyName("e")] Guid EraseJobId) : IJobArgs<EraseJob>
{
    public static string Kind => "erase_user";
    public static JsonTypeInfo<EraseJob> JsonType => EraseJobsJson.Default.EraseJob;
}

[JsonSerializable(typeof(EraseJob))]
internal sealed partial class EraseJobsJson : JsonSerializerContext;
