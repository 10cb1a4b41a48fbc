using System.Collections.Concurrent;

namespace NotificationService.Templates;

/// <summary>Compiled templates by tenant and cache key, bounded: the tenant is part of every key, so no lookup can
/// return a template another tenant compiled. Reads are lock-free (the render hot path);
/// when the cache grows past its capacity the least recently used quarter is dropped in one pass,
/// so eviction cost is amortised. Lazy&lt;T&gt; makes concurrent first renders of one version compile once.</summary>
internal sealed class CompiledTemplateCache(int capacity)
{
    private readonly ConcurrentDictionary<(Guid Tenant, string Key), Entry> entries = new();
    private readonly object evictionLock = new();
    private long clock;

    public int Count => entries.Count;

    /// <summary>The compile function takes its state as an argument so that a cache hit, every render but
    /// the first, allocates nothing.</summary>
    public CompiledTemplate GetOrAdd<TState>((Guid Tenant, string Key) key, Func<TState, CompiledTemplate> compile, TState state)
    {
        var entry = entries.GetOrAdd(key,
            static (_, load) => new Entry(new Lazy<CompiledTemplate>(() => load.compile(load.state))), (compile, state));
        entry.LastUsed = Interlocked.Increment(ref clock);
        CompiledTemplate value;
        try
        {
            value = entry.Value.Value;
        }
        catch
        {
            // A failed compile must not be cached: the next call should report the error afresh.
            entries.TryRemove(new KeyValuePair<(Guid, string), Entry>(key, entry));
            throw;
        }
        if (entries.Count > capacity) Evict();
        return value;
    }

    private void Evict()
    {
        lock (evictionLock)
        {
            if (entries.Count <= capacity) return;
            // A snapshot by enumeration, which tolerates concurrent adds. LINQ's OrderBy copies an ICollection by its
            // Count and then CopyTo, and throws when another render adds an entry in between.
            var snapshot = new List<KeyValuePair<(Guid, string), Entry>>(entries.Count + 16);
            foreach (var pair in entries) snapshot.Add(pair);
            snapshot.Sort(static (a, b) => a.Value.LastUsed.CompareTo(b.Value.LastUsed));
            var keep = capacity * 3 / 4;
            for (var i = 0; i < snapshot.Count - keep; i++) entries.TryRemove(snapshot[i]);
        }
    }

    private sealed class Entry(Lazy<CompiledTemplate> value)
    {
        public Lazy<CompiledTemplate> Value { get; } = value;
        public long LastUsed;
    }
}
