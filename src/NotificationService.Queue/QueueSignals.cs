using System.Collections.Concurrent;
using System.Threading.Channels;

namespace NotificationService.Queue;

/// <summary>
/// In-process wake-ups per queue: an enqueue that commits here wakes this process's processor at once,
/// without a round trip through PostgreSQL. Several signals before a wait collapse into one.
/// </summary>
public sealed class QueueSignals
{
    private readonly ConcurrentDictionary<string, Channel<bool>> _byQueue = new();

    public void Signal(string queue) => For(queue).Writer.TryWrite(true);

    /// <summary>Waits for a signal or the timeout; true when signalled.</summary>
    public async Task<bool> WaitAsync(string queue, TimeSpan timeout, CancellationToken ct)
    {
        var reader = For(queue).Reader;
        if (reader.TryRead(out _)) return true;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(timeout);
        try
        {
            await reader.ReadAsync(timer.Token);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private Channel<bool> For(string queue) => _byQueue.GetOrAdd(queue, _ =>
        Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite }));
}
