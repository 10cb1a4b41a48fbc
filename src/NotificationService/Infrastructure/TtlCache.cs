using System.Collections.Concurrent;

namespace NotificationService.Infrastructure;

/// <summary>
/// A small expiring cache for look-ups on hot paths (API keys, provider configs, template resolution).
/// Misses are cached too (an unknown key costs one query per TTL), so the size is bounded: when full,
/// expired entries go first, and if that is not enough the cache starts over. Entries can be dropped
/// early when this replica changes what they describe. Concurrent misses for one key share one load: without
/// that, every request in flight when a popular entry expires ran the same query at once, every TTL.
/// </summary>
public sealed class TtlCache<TKey, TValue>(TimeProvider clock, TimeSpan ttl, int capacity = 10_000) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, (TValue Value, DateTimeOffset Expires)> _entries = new();
    private readonly ConcurrentDictionary<TKey, Lazy<Task<TValue>>> _loading = new();

    public TimeSpan Ttl => ttl;

    public async ValueTask<TValue> GetOrLoadAsync(TKey key, Func<TKey, CancellationToken, Task<TValue>> load, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_entries.TryGetValue(key, out var hit) && hit.Expires > now) return hit.Value;
        var loading = _loading.GetOrAdd(key, k => new Lazy<Task<TValue>>(() => LoadAsync(k, load)));
        return await loading.Value.WaitAsync(ct); // a caller giving up does not cancel the others' load
    }

    private async Task<TValue> LoadAsync(TKey key, Func<TKey, CancellationToken, Task<TValue>> load)
    {
        try
        {
            var value = await load(key, CancellationToken.None);
            if (_entries.Count >= capacity) MakeRoom(clock.GetUtcNow());
            _entries[key] = (value, clock.GetUtcNow() + ttl);
            return value;
        }
        finally
        {
            _loading.TryRemove(key, out _); // a failed load is not cached: the next caller tries again
        }
    }

    public void Remove(TKey key) => _entries.TryRemove(key, out _);

    public void RemoveWhere(Func<TKey, bool> match)
    {
        foreach (var key in _entries.Keys)
            if (match(key)) _entries.TryRemove(key, out _);
    }

    private void MakeRoom(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
            if (entry.Expires <= now) _entries.TryRemove(key, out _);
        if (_entries.Count >= capacity) _entries.Clear();
    }
}
