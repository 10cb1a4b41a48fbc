using System.Diagnostics;
using System.Threading.Channels;

namespace NotificationService.Infrastructure;

/// <summary>
/// Coalesces many concurrent single writes into one set-based flush. Each caller awaits its own
/// item's flush, so "written" still means committed; under load one statement serves hundreds.
/// Each flush runs in an activity that continues the first caller's trace and links the others, so whatever the flush
/// enqueues (jobs store the current trace context) continues a request's trace.
/// </summary>
public sealed class BatchingWriter<T> : IAsyncDisposable
{
    public static readonly ActivitySource Tracing = new("NotificationService.BatchingWriter");
    private readonly Channel<(T Item, TaskCompletionSource Done, ActivityContext Caller)> _pending =
        Channel.CreateUnbounded<(T, TaskCompletionSource, ActivityContext)>();
    private readonly Func<IReadOnlyList<T>, CancellationToken, Task> _flush;
    private readonly int _maxBatch;
    private readonly Task[] _loops;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly TimeSpan? _overtakeAfter;

    /// <param name="parallelism">Flushes that may run at once: while one group commits, the next one forms and commits.</param>
    /// <param name="overtakeAfter">With it, flushes take turns: the next group waits for the one in flight to finish, and so
    /// grows, unless that one has taken longer than this; then the next goes alongside it (up to
    /// <paramref name="parallelism"/>). Without it, every loop flushes as soon as anything is pending.</param>
    public BatchingWriter(Func<IReadOnlyList<T>, CancellationToken, Task> flush, int maxBatch = 500, int parallelism = 1,
        TimeSpan? overtakeAfter = null)
    {
        _flush = flush;
        _maxBatch = maxBatch;
        _overtakeAfter = overtakeAfter;
        _loops = Enumerable.Range(0, parallelism).Select(_ => Task.Run(LoopAsync)).ToArray();
    }

    public Task WriteAsync(T item)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.Writer.TryWrite((item, done, Activity.Current?.Context ?? default)))
            done.SetException(new ObjectDisposedException(nameof(BatchingWriter<T>)));
        return done.Task;
    }

    private async Task LoopAsync()
    {
        Activity.Current = null; // the loop serves every caller: it must not inherit the activity of whoever created it
        var batch = new List<(T Item, TaskCompletionSource Done, ActivityContext Caller)>(_maxBatch);
        while (await _pending.Reader.WaitToReadAsync())
        {
            var myTurn = _overtakeAfter is { } wait && await _turn.WaitAsync(wait);
            try
            {
                while (batch.Count < _maxBatch && _pending.Reader.TryRead(out var next)) batch.Add(next);
                if (batch.Count > 0) await FlushAsync(batch);
            }
            finally
            {
                if (myTurn) _turn.Release();
            }
            batch.Clear();
        }
    }

    /// <summary>One flush for the batch; if it fails, each item alone, so one bad item fails only its own caller.</summary>
    private async Task FlushAsync(List<(T Item, TaskCompletionSource Done, ActivityContext Caller)> batch)
    {
        using var activity = StartFlush(batch);
        try
        {
            await _flush(batch.Select(b => b.Item).ToList(), _stop.Token);
            foreach (var b in batch) b.Done.TrySetResult();
            return;
        }
        catch (Exception e) when (batch.Count == 1)
        {
            batch[0].Done.TrySetException(e);
            return;
        }
        catch
        {
            // fall through: isolate the failure
        }
        foreach (var b in batch)
        {
            try
            {
                await _flush([b.Item], _stop.Token);
                b.Done.TrySetResult();
            }
            catch (Exception e)
            {
                b.Done.TrySetException(e);
            }
        }
    }

    private static Activity? StartFlush(List<(T Item, TaskCompletionSource Done, ActivityContext Caller)> batch)
    {
        var callers = batch.Select(b => b.Caller).Where(c => c != default).Distinct().ToList();
        if (Tracing.HasListeners())
            return Tracing.StartActivity("batched write", ActivityKind.Internal, callers.FirstOrDefault(),
                [new("batch.size", batch.Count)], callers.Skip(1).Take(128).Select(c => new ActivityLink(c)));
        // No tracer: an unrecorded activity all the same, so the jobs this flush enqueues (and the worker's log lines)
        // carry the first caller's trace id, as its request's log lines do.
        if (callers.Count == 0) return null;
        return new Activity("batched write").SetParentId(callers[0].TraceId, callers[0].SpanId, callers[0].TraceFlags).Start();
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await Task.WhenAll(_loops);
        _stop.Dispose();
        _turn.Dispose();
    }
}
