using NotificationService.Infrastructure;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>An analytics rollup's counter: counts kept in memory (added under <see cref="PendingCounts{TKey}.Locked"/>) until
/// its flusher takes them, and given back when a write fails.</summary>
public abstract class RollupCounts<TKey> where TKey : notnull
{
    protected PendingCounts<TKey> Counts { get; } = new();

    /// <summary>Takes what was counted since the last call.</summary>
    public IReadOnlyDictionary<TKey, long> Drain() => Counts.Drain();

    /// <summary>Puts back counts a failed flush could not write.</summary>
    public void Restore(IReadOnlyDictionary<TKey, long> counts) => Counts.Restore(counts);
}

/// <summary>Moves one rollup's in-memory counts to PostgreSQL every `Analytics:FlushSeconds` (default 2) and on shutdown.</summary>
public abstract class RollupFlusher<TKey>(RollupCounts<TKey> counter, IConfiguration config, ILogger log)
    : CountFlusher<TKey>(Every(config, "Analytics:FlushSeconds"), log) where TKey : notnull
{
    protected override IReadOnlyDictionary<TKey, long> Drain() => counter.Drain();

    protected override void Restore(IReadOnlyDictionary<TKey, long> counts) => counter.Restore(counts);
}
