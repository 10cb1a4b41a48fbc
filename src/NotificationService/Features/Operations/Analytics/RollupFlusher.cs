using NotificationService.Infrastructure;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>What an analytics rollup's counter gives its flusher: the counts taken since the last flush, and a way back for
/// those a failed write could not store.</summary>
public interface IRollupCounts<TKey> where TKey : notnull
{
    IReadOnlyDictionary<TKey, long> Drain();

    void Restore(IReadOnlyDictionary<TKey, long> counts);
}

/// <summary>Moves one rollup's in-memory counts to PostgreSQL every `Analytics:FlushSeconds` (default 2) and on shutdown.</summary>
public abstract class RollupFlusher<TKey>(IRollupCounts<TKey> counter, IConfiguration config, ILogger log)
    : CountFlusher<TKey>(Every(config, "Analytics:FlushSeconds"), log) where TKey : notnull
{
    protected override IReadOnlyDictionary<TKey, long> Drain() => counter.Drain();

    protected override void Restore(IReadOnlyDictionary<TKey, long> counts) => counter.Restore(counts);
}
