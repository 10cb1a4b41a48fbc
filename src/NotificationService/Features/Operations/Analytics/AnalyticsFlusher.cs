namespace NotificationService.Features.Operations.Analytics;

/// <summary>Moves the in-memory analytics counts to PostgreSQL every `Analytics:FlushSeconds` (default 2) and on shutdown.</summary>
public sealed class AnalyticsFlusher(AnalyticsCounter counter, AnalyticsStore store, TimeProvider clock, IConfiguration config,
    ILogger<AnalyticsFlusher> log) : RollupFlusher<AnalyticsEvent>(counter, config, log)
{
    /// <summary>
    /// How long an accept waits in memory for its notification's provider, which the worker records with the first
    /// attempt's outcome: filed at a flush before that, the accept would be counted under no provider for good. Past it (a
    /// send scheduled later, quiet hours, a backlog) it is filed as it stands, so a crash loses at most this long of them.
    /// </summary>
    public static readonly TimeSpan ProviderWait = TimeSpan.FromMinutes(1);

    // The accepts still waiting go back to the counter only once the rest is written (a failed write puts back every
    // count); the last flush keeps nothing back: an accept filed without its provider still counts in every grouping but
    // the provider's, one kept would go with the process.
    protected override async Task WriteAsync(IReadOnlyDictionary<AnalyticsEvent, long> counts, CancellationToken ct) =>
        Restore(await store.AddAsync(counts, Stopping ? null : clock.GetUtcNow() - ProviderWait, ct));
}
