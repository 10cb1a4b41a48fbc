using NotificationService.Infrastructure;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>Moves the in-memory analytics counts to PostgreSQL every `Analytics:FlushSeconds` (default 2) and on shutdown.</summary>
public sealed class AnalyticsFlusher(AnalyticsCounter counter, AnalyticsStore store, IConfiguration config, ILogger<AnalyticsFlusher> log)
    : CountFlusher<AnalyticsEvent>(Every(config, "Analytics:FlushSeconds"), log)
{
    protected override IReadOnlyDictionary<AnalyticsEvent, long> Drain() => counter.Drain();

    protected override void Restore(IReadOnlyDictionary<AnalyticsEvent, long> counts) => counter.Restore(counts);

    protected override Task WriteAsync(IReadOnlyDictionary<AnalyticsEvent, long> counts, CancellationToken ct) => store.AddAsync(counts, ct);
}
