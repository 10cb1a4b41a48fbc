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
    public async Task<IReadOnlyList<T>> WaitForAsync(Func<T, bool> match, string what, int count = 1, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            var found = Where(match);
            if (found.Count >= count) return found;
            try { await changed.WaitAsync(deadline.Token); }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"waited {(timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds:0.#} s for {count} × {what}; saw {Where(match).Count}");
            }
        }
    }
}
