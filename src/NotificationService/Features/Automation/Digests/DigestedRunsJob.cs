using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Queue;

namespace NotificationService.Features.Automation.Digests;

/// <summary>
/// The `digest-digested` job of the `workflows` queue: runs whose events are in the digest that run <see cref="Carrier"/>
/// carries, each with the seq it joined at, moved on (`digested`) in one transaction. A close queues one per
/// <see cref="RunsPerJob"/> of its events, at low priority and counting a unit per run: a window of 100 events made 99
/// jobs of one run each, and 10,000 windows closing in one minute a million claims, commits and acknowledgements.
/// </summary>
public sealed record DigestedRunsJob(
    [property: JsonPropertyName("c")] Guid Carrier,
    [property: JsonPropertyName("r")] Guid[] Runs,
    [property: JsonPropertyName("s")] int[] Seqs) : IJobArgs<DigestedRunsJob>
{
    public const string JobKind = "digest-digested";
    public const int RunsPerJob = 100;
    static string IJobArgs<DigestedRunsJob>.Kind => JobKind;
    public static JsonTypeInfo<DigestedRunsJob> JsonType => DigestJobsJson.Default.DigestedRunsJob;

    /// <summary>The jobs that move <paramref name="events"/> (the carrier's own excluded by the caller), due at
    /// <paramref name="runAt"/> (null: at once).</summary>
    public static IEnumerable<NewJob> For(Guid tenantId, Guid carrier, IEnumerable<WindowEvent> events, DateTimeOffset? runAt = null) =>
        events.Chunk(RunsPerJob).Select(chunk => NewJob.For(WorkflowStepJob.Queue, tenantId,
            new DigestedRunsJob(carrier, [.. chunk.Select(e => e.RunId)], [.. chunk.Select(e => e.Seq)]), JobPriority.Low, runAt,
            units: chunk.Length));
}
