using System.Threading.Channels;

namespace NotificationService.Infrastructure;

/// <summary>
/// Coalesces many concurrent single writes into one set-based flush. Each caller awaits its own
/// item's flush, so "written" still means committed; under load one statement serves hundreds.
/// </summary>
public sealed class BatchingWriter<T> : IAsyncDisposable
{
    private readonly Channel<(T Item, TaskCompletionSource Done)> _pending = Channel.CreateUnbounded<(T, TaskCompletionSource)>(new() { SingleReader = true });
    private readonly Func<IReadOnlyList<T>, CancellationToken, Task> _flush;
    private readonly int _maxBatch;
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();

    public BatchingWriter(Func<IReadOnlyList<T>, CancellationToken, Task> flush, int maxBatch = 500)
    {
        _flush = flush;
        _maxBatch = maxBatch;
        _loop = Task.Run(LoopAsync);
    }

    public Task WriteAsync(T item)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.Writer.TryWrite((item, done))) done.SetException(new ObjectDisposedException(nameof(BatchingWriter<T>)));
        return done.Task;
    }

    private async Task LoopAsync()
    {
        var batch = new List<(T Item, TaskCompletionSource Done)>(_maxBatch);
        while (await _pending.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatch && _pending.Reader.TryRead(out var next)) batch.Add(next);
            try
            {
                await _flush(batch.Select(b => b.Item).ToList(), _stop.Token);
                foreach (var b in batch) b.Done.TrySetResult();
            }
            catch (Exception e)
            {
                foreach (var b in batch) b.Done.TrySetException(e);
            }
            batch.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _loop;
        _stop.Dispose();
    }
}
