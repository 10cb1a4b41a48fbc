using System.Collections.Concurrent;

namespace NotificationService.Queue.Tests.Queue;

public class ProcessorTests
{
    private static readonly Guid Tenant = Guid.NewGuid();
    private static NewJob Send(int maxAttempts = 8, DateTimeOffset? runAt = null) => new("email", "send", Tenant, "{}", RunAt: runAt, MaxAttempts: maxAttempts);

    [Fact]
    public async Task Concurrent_processors_never_hand_one_job_to_two_of_them()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var runs = new ConcurrentDictionary<long, int>();
        var handler = new RecordingHandler(j => { runs.AddOrUpdate(j.Id, 1, (_, n) => n + 1); return JobResult.Done; });
        var ids = await q.EnqueueAsync(Enumerable.Range(0, 5000).Select(_ => Send()).ToArray());

        var processors = Enumerable.Range(1, 3).Select(i => q.Processor(handler, o => { o.WorkerId = $"w{i}"; o.BatchSize = 50; })).ToList();
        var running = processors.Select(p => new Running(p)).ToList();
        await handler.WaitForAsync(5000, TimeSpan.FromSeconds(120));
        foreach (var r in running) await r.DisposeAsync();

        Assert.Equal(ids.Order(), runs.Keys.Order());
        Assert.All(runs.Values, n => Assert.Equal(1, n));
        Assert.Equal(0L, await q.ScalarAsync<long>("select count(*) from jobs"));
    }

    // The wake-up specs below set the poll interval to ten minutes and wait at most a minute: a job that arrives was woken
    // by what the spec is about (its run_at, a commit, another replica's NOTIFY), never by the poll, however slow the
    // machine is, and no spec measures how fast it came.
    private static readonly TimeSpan NoPoll = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_scheduled_job_does_not_run_before_its_time_and_runs_when_it_is_due()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var ranAt = DateTimeOffset.MinValue;
        var handler = new RecordingHandler(_ => { ranAt = DateTimeOffset.UtcNow; return JobResult.Done; });
        await using var _ = new Running(q.Processor(handler, o => o.PollInterval = NoPoll));
        var runAt = DateTimeOffset.UtcNow.AddMilliseconds(800);
        await q.EnqueueAsync(Send(runAt: runAt));

        await handler.WaitForAsync(1, Patience);   // woke at run_at: the poll would take ten minutes
        Assert.True(ranAt >= runAt.AddMilliseconds(-50), $"ran at {ranAt:O}, due {runAt:O}");
    }

    [Fact]
    public async Task NotifyCommitted_wakes_an_idle_processor()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var handler = new RecordingHandler();
        var idle = q.NextIdleAsync("email");
        await using var _ = new Running(q.Processor(handler, o => o.PollInterval = NoPoll));
        await idle.WaitAsync(Patience); // its first claim found nothing: it now waits for a wake-up

        await q.EnqueueAsync(Send());
        await handler.WaitForAsync(1, Patience);
    }

    [Fact]
    public async Task A_notify_from_another_replica_wakes_an_idle_processor()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var handler = new RecordingHandler();
        var idle = q.NextIdleAsync("email");
        var listening = q.NextListeningAsync();   // a NOTIFY sent before LISTEN is never delivered: wait for both
        await using var _ = new Running(q.Processor(handler, o => o.PollInterval = NoPoll));
        await Task.WhenAll(idle, listening).WaitAsync(Patience);

        // Another replica: its own signals, so only the pg_notify can reach this processor.
        var otherReplica = new JobQueue(q.Db, new QueueSignals());
        await using (var conn = await q.Db.OpenConnectionAsync())
            await otherReplica.EnqueueAsync(conn, null, [Send()], CancellationToken.None);
        otherReplica.NotifyCommitted(["email"]);
        await handler.WaitForAsync(1, Patience);
    }

    [Fact]
    public async Task The_rescuer_returns_the_jobs_of_a_worker_that_died_holding_them()
    {
        await using var q = await QueueDatabase.CreateAsync();
        await q.EnqueueAsync(Send(), Send());
        var died = await new JobClaimer(q.Db).ClaimAsync("email", "dead-worker", 10, TimeSpan.FromMilliseconds(300));
        Assert.Equal(2, died.Jobs.Count);

        var handler = new RecordingHandler();
        await using (new Running(q.Processor(handler))) await handler.WaitForAsync(2, Patience);

        Assert.All(handler.Seen, j => Assert.Equal(2, j.Attempt)); // the lost run counted as an attempt
    }

    /// <summary>Holds every low-priority batch until released, and records when each job arrived.</summary>
    private sealed class BlockingLowHandler : IJobHandler
    {
        public readonly TaskCompletionSource Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource<Job> Urgent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource BothSlotsHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int LowBatches;
        public string Kind => "send";

        public async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<Job> jobs, CancellationToken ct)
        {
            if (jobs.FirstOrDefault(j => j.Priority != JobPriority.Low) is { } urgent) Urgent.TrySetResult(urgent);
            if (jobs.All(j => j.Priority == JobPriority.Low))
            {
                if (Interlocked.Increment(ref LowBatches) == 2) BothSlotsHeld.TrySetResult();
                await Release.Task;
            }
            return jobs.Select(_ => JobResult.Done).ToList();
        }
    }

    [Fact]
    public async Task With_every_slot_busy_on_low_priority_work_a_normal_job_takes_the_express_slot_at_once()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var handler = new BlockingLowHandler();
        var bulkTenant = Guid.NewGuid();
        await q.EnqueueAsync(Enumerable.Range(0, 40).Select(_ => new NewJob("email", "send", bulkTenant, "{}", JobPriority.Low)).ToArray());
        await using var _ = new Running(q.Processor(handler, o => { o.BatchSize = 5; o.MaxBatchesInFlightPerQueue = 2; o.PollInterval = NoPoll; }));
        try
        {
            await handler.BothSlotsHeld.Task.WaitAsync(Patience);
            Assert.Equal(2, Volatile.Read(ref handler.LowBatches)); // both slots held by the import, no more

            await q.EnqueueAsync(Send());
            var urgent = await handler.Urgent.Task.WaitAsync(Patience);

            Assert.Equal(JobPriority.Normal, urgent.Priority);
            Assert.Equal(2, Volatile.Read(ref handler.LowBatches)); // it did not wait for a regular slot
            Assert.Equal(30L, await q.ScalarAsync<long>("select count(*) from jobs where state = 'ready' and priority = 2"));
        }
        finally
        {
            handler.Release.TrySetResult(); // stopping the processor waits for the held batches
        }
    }
}
