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
    /// <summary>A flush that records its items and waits until the test lets it finish; disposed, it lets every flush
    /// finish, so a failed assertion does not leave the writer's disposal waiting for ever.</summary>
    private sealed class HeldFlushes : IDisposable
    {
        public readonly ConcurrentQueue<(int[] Items, TaskCompletionSource Release)> Started = new();
        private volatile bool _open;

        public Task FlushAsync(IReadOnlyList<int> items, CancellationToken ct)
        {
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Started.Enqueue(([.. items], release));
            if (_open) release.TrySetResult();
            return release.Task;
        }

        public void Dispose()
        {
            _open = true;
            foreach (var (_, release) in Started) release.TrySetResult();
        }

        public (int[] Items, TaskCompletionSource Release) Nth(int n) => Started.ElementAt(n);
    }

    [Fact]
    public async Task Groups_take_turns_so_what_arrives_while_one_flushes_goes_in_the_next_group_together()
    {
        var flushes = new HeldFlushes();
        await using var writer = new BatchingWriter<int>(flushes.FlushAsync, parallelism: 2, overtakeAfter: TimeSpan.FromHours(1));
        using var openAtEnd = flushes;   // declared last, disposed first: the writer's disposal never waits on a held flush

        var first = writer.WriteAsync(1);
        await Eventually.Async(() => flushes.Started.Count == 1, "the first flush");
        var second = writer.WriteAsync(2);
        // Room for a second loop to flush 2 on its own, were it not waiting its turn (on a slow machine this proves less,
        // never a false failure).
        await Task.Delay(200);
        Assert.Single(flushes.Started);
        var third = writer.WriteAsync(3);
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
        var flushes = new HeldFlushes();
        await using var writer = new BatchingWriter<int>(flushes.FlushAsync, parallelism: 2, overtakeAfter: TimeSpan.FromMilliseconds(50));
        using var openAtEnd = flushes;   // declared last, disposed first: the writer's disposal never waits on a held flush

        var first = writer.WriteAsync(1);
        await Eventually.Async(() => flushes.Started.Count == 1, "the first flush");
        var second = writer.WriteAsync(2);

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
