using System.Collections.Concurrent;
using System.Diagnostics;

namespace NotificationService.Queue.Tests.Queue;

/// <summary>
/// The fetch cooldown: after a claim that was not full, the next claim waits, so jobs arriving one by one are
/// handled together; a full claim is followed at once, and a queue that was quiet longer than the cooldown claims
/// when woken.
/// </summary>
public class FetchCooldownTests
{
    private static readonly Guid Tenant = Guid.NewGuid();
    private static NewJob Send() => new("email", "send", Tenant, "{}");

    /// <summary>Records the size of every batch handed to it and when it came.</summary>
    private sealed class BatchRecorder : IJobHandler
    {
        public readonly ConcurrentQueue<(int Size, TimeSpan At)> Batches = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly SemaphoreSlim _arrived = new(0);
        public string Kind => "send";

        public Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<Job> jobs, CancellationToken ct)
        {
            Batches.Enqueue((jobs.Count, _clock.Elapsed));
            _arrived.Release(jobs.Count);
            return Task.FromResult<IReadOnlyList<JobResult>>(jobs.Select(_ => JobResult.Done).ToList());
        }

        public async Task WaitForAsync(int count, TimeSpan timeout)
        {
            for (var i = 0; i < count; i++)
                if (!await _arrived.WaitAsync(timeout)) throw new TimeoutException($"only {i} of {count} jobs arrived");
        }
    }

    [Fact]
    public async Task Jobs_arriving_one_by_one_within_the_cooldown_after_a_small_claim_are_claimed_together()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var handler = new BatchRecorder();
        var idle = q.NextIdleAsync("email");
        await using var _ = new Running(q.Processor(handler, o => { o.FetchCooldown = TimeSpan.FromSeconds(3); o.PollInterval = TimeSpan.FromSeconds(30); }));
        await idle.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromSeconds(3.2));   // quiet for longer than the cooldown since that empty claim

        var first = Stopwatch.StartNew();
        await q.EnqueueAsync(Send());
        await handler.WaitForAsync(1, TimeSpan.FromSeconds(10));
        var firstTook = first.Elapsed;
        for (var i = 0; i < 4; i++) await q.EnqueueAsync(Send());   // four commits, four wake-ups
        await handler.WaitForAsync(4, TimeSpan.FromSeconds(15));

        // Woken after a quiet spell: at once (the cooldown would make it 3 s). Then one claim for the four, not four.
        Assert.True(firstTook < TimeSpan.FromSeconds(2), $"the first job took {firstTook}");
        var batches = handler.Batches.ToArray();
        Assert.Equal(new[] { 1, 4 }, batches.Select(b => b.Size));
        Assert.True(batches[1].At - batches[0].At > TimeSpan.FromSeconds(2.5), $"second claim {batches[1].At - batches[0].At} after the first");
    }

    [Fact]
    public async Task A_full_claim_is_followed_by_the_next_at_once()
    {
        await using var q = await QueueDatabase.CreateAsync();
        await q.EnqueueAsync(Enumerable.Range(0, 35).Select(_ => Send()).ToArray());
        var handler = new BatchRecorder();
        var clock = Stopwatch.StartNew();
        await using var _ = new Running(q.Processor(handler, o => { o.FetchCooldown = TimeSpan.FromSeconds(30); o.BatchSize = 10; }));

        await handler.WaitForAsync(35, TimeSpan.FromSeconds(20));   // the cooldown would hold each claim 30 s

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20));
        Assert.Equal(new[] { 10, 10, 10, 5 }, handler.Batches.Select(b => b.Size).Order().Reverse());
    }
}
