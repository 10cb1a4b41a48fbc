using Microsoft.Extensions.Logging.Abstractions;
using NotificationService.Infrastructure;

namespace NotificationService.Tests.Infrastructure;

/// <summary>
/// A flush asked for while the loop's flush is writing waits for that write: "what is counted now" includes the counts
/// the loop drained a moment before, which are not in memory any more but not in the database yet either.
/// </summary>
public class CountFlusherTests
{
    private sealed class HeldFlusher() : CountFlusher<string>(TimeSpan.FromHours(1), NullLogger.Instance)
    {
        public readonly Dictionary<string, long> Pending = [];
        public readonly List<IReadOnlyDictionary<string, long>> Written = [];
        public readonly TaskCompletionSource Writing = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource Release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override IReadOnlyDictionary<string, long> Drain()
        {
            var taken = new Dictionary<string, long>(Pending);
            Pending.Clear();
            return taken;
        }

        protected override void Restore(IReadOnlyDictionary<string, long> counts) { }

        protected override async Task WriteAsync(IReadOnlyDictionary<string, long> counts, CancellationToken ct)
        {
            Writing.TrySetResult();
            await Release.Task;
            Written.Add(counts);
        }
    }

    [Fact]
    public async Task A_flush_asked_for_during_another_returns_only_once_the_counts_that_one_drained_are_written()
    {
        var flusher = new HeldFlusher();
        flusher.Pending["accepted"] = 6;
        var first = flusher.FlushAsync(default);   // as the loop's tick: drains the 6, then waits in its write
        await flusher.Writing.Task;

        var second = flusher.FlushAsync(default);  // as a spec or shutdown: nothing left to drain
        await Task.Delay(200);
        Assert.False(second.IsCompleted, "the second flush returned while the first was still writing the counts it drained");

        flusher.Release.SetResult();
        await Task.WhenAll(first, second);
        Assert.Equal(6, Assert.Single(flusher.Written)["accepted"]);
    }
}
