using System.Runtime.InteropServices;

namespace NotificationService.Infrastructure;

/// <summary>
/// Counts a ledger observer collects in memory until its <see cref="CountFlusher{TKey}"/> takes them: adds happen under
/// <see cref="Locked"/>, one lock per committed batch (not per notification), so a drain never misses a count added
/// while it swaps the map.
/// </summary>
public sealed class PendingCounts<TKey> where TKey : notnull
{
    private readonly Lock _gate = new();
    private Dictionary<TKey, long> _pending = [];

    /// <summary>Holds the lock for a batch of <see cref="Add"/>s: `using (counts.Locked()) …`.</summary>
    public Lock.Scope Locked() => _gate.EnterScope();

    /// <summary>Adds <paramref name="n"/> to a key; only inside <see cref="Locked"/>.</summary>
    public void Add(TKey key, long n) => CollectionsMarshal.GetValueRefOrAddDefault(_pending, key, out _) += n;

    /// <summary>Takes what was counted since the last call (the next adds go to a fresh map).</summary>
    public IReadOnlyDictionary<TKey, long> Drain()
    {
        using (Locked())
        {
            var taken = _pending;
            _pending = [];
            return taken;
        }
    }

    /// <summary>Puts back counts a failed flush could not write, so the next flush carries them.</summary>
    public void Restore(IReadOnlyDictionary<TKey, long> counts)
    {
        using (Locked())
            foreach (var (key, n) in counts) Add(key, n);
    }
}
