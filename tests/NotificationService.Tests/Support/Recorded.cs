namespace NotificationService.Tests.Support;

/// <summary>Events a test recorded, and a wait for the ones it expects: a signal, not a clock.</summary>
public sealed class Recorded<T>
{
    private readonly List<T> _items = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Add(IEnumerable<T> items)
    {
        lock (_items) _items.AddRange(items);
        Interlocked.Exchange(ref _changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    public IReadOnlyList<T> Where(Func<T, bool> match)
    {
        lock (_items) return _items.Where(match).ToList();
    }

    /// <summary>Waits until at least <paramref name="count"/> recorded events match; returns them all.</summary>
    public Task<IReadOnlyList<T>> WaitForAsync(Func<T, bool> match, string what, int count = 1, TimeSpan? timeout = null) =>
        WaitForAsync(e => match(e) ? [e] : Array.Empty<T>(), what, count, timeout);

    /// <summary>
    /// Waits until what the recorded events stand for (<paramref name="select"/>: e.g. each run a job moved, several for
    /// one job) numbers at least <paramref name="count"/>; returns it all.
    /// </summary>
    public async Task<IReadOnlyList<TOut>> WaitForAsync<TOut>(Func<T, IEnumerable<TOut>> select, string what, int count = 1, TimeSpan? timeout = null)
    {
        var patience = timeout ?? TimeSpan.FromSeconds(30);
        using var deadline = new CancellationTokenSource(patience);
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            var found = Select(select);
            if (found.Count >= count) return found;
            try { await changed.WaitAsync(deadline.Token); }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"waited {patience.TotalSeconds:0.#} s for {count} × {what}; saw {Select(select).Count}");
            }
        }
    }

    private List<TOut> Select<TOut>(Func<T, IEnumerable<TOut>> select)
    {
        lock (_items) return _items.SelectMany(select).ToList();
    }
}
