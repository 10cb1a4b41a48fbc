using NotificationService.Contracts;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>One bucket of provider call durations in an hour: the key the latency rollup counts.</summary>
public readonly record struct LatencyCell(Guid TenantId, DateTimeOffset Hour, string Channel, string Provider, int Bucket);

/// <summary>
/// Counts each provider call's duration in its <see cref="LatencyBuckets"/> bucket, in memory (one dictionary add under a
/// lock per call); <see cref="LatencyFlusher"/> moves the counts to `analytics_latency_hourly` with the other rollups.
/// </summary>
public sealed class LatencyCounter(TimeProvider clock) : RollupCounts<LatencyCell>, IProviderCallObserver
{
    public void Called(Guid tenantId, string channel, string providerKind, TimeSpan took)
    {
        var cell = new LatencyCell(tenantId, AnalyticsCounter.Hour(clock.GetUtcNow()), channel, providerKind, LatencyBuckets.Of(took));
        using (Counts.Locked()) Counts.Add(cell, 1);
    }
}

/// <summary>Moves the latency counts to PostgreSQL with the other rollups.</summary>
public sealed class LatencyFlusher(LatencyCounter counter, LatencyStore store, IConfiguration config, ILogger<LatencyFlusher> log)
    : RollupFlusher<LatencyCell>(counter, config, log)
{
    protected override Task WriteAsync(IReadOnlyDictionary<LatencyCell, long> counts, CancellationToken ct) => store.AddAsync(counts, ct);
}
