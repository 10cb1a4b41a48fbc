using System.Collections.Concurrent;

namespace NotificationService.Queue.Tests.Queue;

/// <summary>
/// The fetch cooldown: after a claim that was not full, jobs arriving one by one while that batch is still being
/// handled wait for it and are claimed together; once the queue has no batch in flight, a wake-up claims at once; a full
/// claim is followed at once.
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
        /// <summary>When set, the next batch is held in its handler until the spec completes it.</summary>
        public TaskCompletionSource? Hold;
        public string Kind => "send";

        public async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<Job> jobs, CancellationToken ct)
        {
            Batches.Enqueue(jobs.Count);
            _arrived.Release(jobs.Count);
            if (Interlocked.Exchange(ref Hold, null) is { } hold) await hold.Task;
            return jobs.Select(_ => JobResult.Done).ToList();
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
    public async Task Jobs_arriving_while_a_small_batch_is_handled_wait_for_it_and_are_claimed_together()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var handler = new BatchRecorder();
        var clock = new ManualTimeProvider();
        var idle = q.NextIdleAsync("email");
        await using var _ = new Running(q.Processor(handler, o => { o.FetchCooldown = TimeSpan.FromSeconds(3); o.PollInterval = NoPoll; }, clock));
        await idle.WaitAsync(Patience);

        var held = handler.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await q.EnqueueAsync(Send());
        await handler.WaitForAsync(1, Patience);   // woken from idle: claimed with the clock standing still
        for (var i = 0; i < 4; i++) await q.EnqueueAsync(Send());   // four commits, four wake-ups, while that batch is in flight
        Assert.Single(handler.Batches);            // the clock has not moved and the batch is still being handled

        held.SetResult();                          // the batch is done: the four are claimed at once, the clock still standing
        await handler.WaitForAsync(4, Patience);
        Assert.Equal(new[] { 1, 4 }, handler.Batches);   // one claim for the four, not four
    }

    [Fact]
    public async Task A_commit_after_a_small_batch_was_handled_is_claimed_at_once_within_the_cooldown()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var handler = new BatchRecorder();
        var clock = new ManualTimeProvider();   // never advanced: a claim that waited for the 30 s cooldown would never come
        var idle = q.NextIdleAsync("email");
        await using var _ = new Running(q.Processor(handler, o => { o.FetchCooldown = TimeSpan.FromSeconds(30); o.PollInterval = NoPoll; }, clock));
        await idle.WaitAsync(Patience);

        await q.EnqueueAsync(Send());
        await handler.WaitForAsync(1, Patience);
        await q.EnqueueAsync(Send());               // the first batch is handled (or about to be): nothing to gather behind
        await handler.WaitForAsync(1, Patience);

        Assert.Equal(new[] { 1, 1 }, handler.Batches);
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
