namespace NotificationService.Infrastructure;

/// <summary>
/// A counter that background loops bump after each pass, so tests (and health checks) can wait for "the replayer has run
/// again" as an event rather than sleeping for longer than its interval and hoping.
/// </summary>
public sealed class ProgressSignal
{
    private long _count;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long Count => Interlocked.Read(ref _count);

    public void Increment()
    {
        Interlocked.Increment(ref _count);
        Interlocked.Exchange(ref _changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Waits until the count reaches <paramref name="target"/>; false when <paramref name="timeout"/> passes first.</summary>
    public async Task<bool> WaitForAsync(long target, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (Count < target)
        {
            var changed = Volatile.Read(ref _changed).Task;
            if (Count >= target) break;
            try { await changed.WaitAsync(cts.Token); }
            catch (OperationCanceledException) { return Count >= target; }
        }
        return true;
    }
}
