using System.Collections.Concurrent;
using NotificationService.Infrastructure;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Infrastructure;

/// <summary>
/// With <c>overtakeAfter</c>, flushes take turns so the next group grows while one commits, and a flush that takes
/// longer than that is overtaken by the next group instead of holding every caller behind it.
/// </summary>
public class BatchingWriterTests
{
    /// <summary>
    /// A writer with two loops whose flushes record their items and wait until the test lets them finish. Disposed, it
    /// lets every flush finish first, so a failed assertion does not leave the writer's disposal waiting for ever.
    /// </summary>
    private sealed class HeldFlushes : IAsyncDisposable
    {
        public readonly ConcurrentQueue<(int[] Items, TaskCompletionSource Release)> Started = new();
        public readonly BatchingWriter<int> Writer;
        private volatile bool _open;

        public HeldFlushes(TimeSpan overtakeAfter) => Writer = new BatchingWriter<int>(FlushAsync, parallelism: 2, overtakeAfter: overtakeAfter);

        private Task FlushAsync(IReadOnlyList<int> items, CancellationToken ct)
        {
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Started.Enqueue(([.. items], release));
            if (_open) release.TrySetResult();
            return release.Task;
        }

        public (int[] Items, TaskCompletionSource Release) Nth(int n) => Started.ElementAt(n);

        /// <summary>Writes 1 and returns its caller's task once its flush has started (and is held).</summary>
        public async Task<Task> FirstFlushingAsync()
        {
            var first = Writer.WriteAsync(1);
            await Eventually.Async(() => Started.Count == 1, "the first flush");
            return first;
        }

        public async ValueTask DisposeAsync()
        {
            _open = true;
            foreach (var (_, release) in Started) release.TrySetResult();
            await Writer.DisposeAsync();
        }
    }

    [Fact]
    public async Task Groups_take_turns_so_what_arrives_while_one_flushes_goes_in_the_next_group_together()
    {
        await using var flushes = new HeldFlushes(overtakeAfter: TimeSpan.FromHours(1));
        var first = await flushes.FirstFlushingAsync();
        var second = flushes.Writer.WriteAsync(2);
        // Room for a second loop to flush 2 on its own, were it not waiting its turn (on a slow machine this proves less,
        // never a false failure).
        await Task.Delay(200);
        Assert.Single(flushes.Started);
        var third = flushes.Writer.WriteAsync(3);
        Assert.Equal([1], flushes.Nth(0).Items);

        flushes.Nth(0).Release.TrySetResult();
        await first;
        await Eventually.Async(() => flushes.Started.Count == 2, "the second flush");
        Assert.Equal([2, 3], flushes.Nth(1).Items);   // one group: the second loop waited for its turn instead of flushing 2 alone
        flushes.Nth(1).Release.TrySetResult();
        await Task.WhenAll(second, third);
        Assert.Equal(2, flushes.Started.Count);
    }

    [Fact]
    public async Task A_flush_slower_than_overtake_after_is_overtaken_by_the_next_group()
    {
        await using var flushes = new HeldFlushes(overtakeAfter: TimeSpan.FromMilliseconds(50));
        var first = await flushes.FirstFlushingAsync();
        var second = flushes.Writer.WriteAsync(2);

        // The first flush never finishes on its own: the second group goes alongside it and its caller is answered.
        await Eventually.Async(() => flushes.Started.Count == 2, "the second group overtaking the first");
        Assert.Equal([2], flushes.Nth(1).Items);
        flushes.Nth(1).Release.TrySetResult();
        await second;
        Assert.False(first.IsCompleted);

        flushes.Nth(0).Release.TrySetResult();
        await first;
    }
}
