using System.Collections.Concurrent;

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

    /// <summary>Records the size of every batch handed to it, in order.</summary>
    private sealed class BatchRecorder : IJobHandler
    {
        public readonly ConcurrentQueue<int> Batches = new();
        private readonly SemaphoreSlim _arrived = new(0);
        public string Kind => "send";

        public Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<Job> jobs, CancellationToken ct)
        {
            Batches.Enqueue(jobs.Count);
            _arrived.Release(jobs.Count);
            return Task.FromResult<IReadOnlyList<JobResult>>(jobs.Select(_ => JobResult.Done).ToList());
        }

        public async Task WaitForAsync(int count, TimeSpan timeout)
        {
            for (var i = 0; i < count; i++)
                if (!await _arrived.WaitAsync(timeout)) throw new TimeoutException($"only {i} of {count} jobs arrived");
        }
    }

    // The processor's clock is the spec's (ManualTimeProvider): the cooldown passes only when the spec moves it, so what
    // happens while it stands still provably did not wait for the cooldown, on any machine; the poll is ten minutes away.
    private static readonly TimeSpan NoPoll = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Jobs_arriving_one_by_one_within_the_cooldown_after_a_small_claim_are_claimed_together()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var handler = new BatchRecorder();
        var clock = new ManualTimeProvider();
        var idle = q.NextIdleAsync("email");
        await using var _ = new Running(q.Processor(handler, o => { o.FetchCooldown = TimeSpan.FromSeconds(3); o.PollInterval = NoPoll; }, clock));
        await idle.WaitAsync(Patience);
        clock.Advance(TimeSpan.FromSeconds(3.2));   // quiet for longer than the cooldown since that empty claim

        await q.EnqueueAsync(Send());
        await handler.WaitForAsync(1, Patience);   // woken after a quiet spell: claimed with the clock standing still, no cooldown
        for (var i = 0; i < 4; i++) await q.EnqueueAsync(Send());   // four commits, four wake-ups, inside the cooldown
        Assert.Single(handler.Batches);            // the clock has not moved: nothing claimed them yet

        clock.Advance(TimeSpan.FromSeconds(3));    // the cooldown ends
        await handler.WaitForAsync(4, Patience);
        Assert.Equal(new[] { 1, 4 }, handler.Batches);   // one claim for the four, not four
    }

    [Fact]
    public async Task A_full_claim_is_followed_by_the_next_at_once()
    {
        await using var q = await QueueDatabase.CreateAsync();
        await q.EnqueueAsync(Enumerable.Range(0, 35).Select(_ => Send()).ToArray());
        var handler = new BatchRecorder();
        var clock = new ManualTimeProvider();   // never advanced: a claim that waited for the 30 s cooldown would never come
        await using var _ = new Running(q.Processor(handler, o => { o.FetchCooldown = TimeSpan.FromSeconds(30); o.BatchSize = 10; }, clock));

        await handler.WaitForAsync(35, Patience);

        Assert.Equal(new[] { 10, 10, 10, 5 }, handler.Batches.Order().Reverse());
    }
}
