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

    // An accept's id is made before its transaction commits and the counter hears of it: one made up to this long before a
    // flush may have reached the counter only after that flush drained it, so it counts as read once only past this.
    private static readonly TimeSpan CommitLag = TimeSpan.FromSeconds(1);
    private DateTimeOffset _lastRead = DateTimeOffset.MinValue;

    // The accepts still waiting go back to the counter only once the rest is written (a failed write puts back every
    // count); the last flush keeps nothing back: an accept filed without its provider still counts in every grouping but
    // the provider's, one kept would go with the process.
    protected override async Task WriteAsync(IReadOnlyDictionary<AnalyticsEvent, long> counts, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        Restore(await store.AddAsync(counts, Stopping ? null : new AcceptWait(now - ProviderWait, _lastRead), ct));
        _lastRead = now - CommitLag;
    }
}
