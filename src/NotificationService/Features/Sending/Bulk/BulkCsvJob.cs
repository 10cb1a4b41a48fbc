using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>The `bulk_csv` job's arguments: the bulk job to run (`{"job":…}`, as jobs have always been written).</summary>
public sealed record BulkCsvJob([property: JsonPropertyName("job")] Guid BulkJobId) : IJobArgs<BulkCsvJob>
{
    public static string Kind => "bulk_csv";
    public static JsonTypeInfo<BulkCsvJob> JsonType => BulkJobsJson.Default.BulkCsvJob;
}

[JsonSerializable(typeof(BulkCsvJob))]
internal sealed partial class BulkJobsJson : JsonSerializerContext;
