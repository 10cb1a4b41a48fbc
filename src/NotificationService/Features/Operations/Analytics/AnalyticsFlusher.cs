namespace NotificationService.Features.Operations.Analytics;

/// <summary>Moves the in-memory analytics counts to PostgreSQL every `Analytics:FlushSeconds` (default 2) and on shutdown.</summary>
public sealed class AnalyticsFlusher(AnalyticsCounter counter, AnalyticsStore store, IConfiguration config, ILogger<AnalyticsFlusher> log)
    : RollupFlusher<AnalyticsEvent>(counter, config, log)
{
    protected override Task WriteAsync(IReadOnlyDictionary<AnalyticsEvent, long> counts, CancellationToken ct) =>
        store.AddAsync(counts, ct);
}
