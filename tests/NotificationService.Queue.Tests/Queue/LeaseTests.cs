using Npgsql;

namespace NotificationService.Queue.Tests.Queue;

public class LeaseTests
{
    private static readonly Guid Tenant = Guid.NewGuid();

    /// <summary>A handler that takes its time, and can be told when to finish.</summary>
    private sealed class SlowHandler(TimeSpan duration) : IJobHandler
    {
        public int Runs;
        public readonly TaskCompletionSource Started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string Kind => "send";

        public async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<Job> jobs, CancellationToken ct)
        {
            Interlocked.Add(ref Runs, jobs.Count);
            Started.TrySetResult();
            await Task.Delay(duration, CancellationToken.None);
            return jobs.Select(_ => JobResult.Done).ToList();
        }
    }

    [Fact]
    public async Task The_heartbeat_keeps_a_job_that_outlives_its_lease_from_being_rescued()
    {
        await using var q = await QueueDatabase.CreateAsync();
        // The job outlives its lease. The lease is renewed every third of it, so a heartbeat may come up to six seconds
        // late (the whole solution's tests run at once on two busy cores; a 1 s lease failed there once, a 3 s one was
        // still a matter of speed) and be in time; without renewal the rescuer would take the job before it finished.
        var handler = new SlowHandler(TimeSpan.FromSeconds(10));
        await q.EnqueueAsync(new NewJob("email", "send", Tenant, "{}"));

        // Two processors: the second one's rescuer would take the job if the first stopped renewing.
        QueueProcessor Make(string id) => new(q.Db, q.Signals, [handler], new QueueProcessorOptions
        {
            Queues = ["email"], WorkerId = id, Lease = TimeSpan.FromSeconds(9), // renewed every three seconds
            RescueInterval = TimeSpan.FromMilliseconds(100), PollInterval = TimeSpan.FromMilliseconds(100),
        }, events: q.Events);
        var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        q.Events.Acknowledged += _ => acknowledged.TrySetResult();
        await using (new Running(Make("w1")))
        await using (new Running(Make("w2")))
            await acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(90)); // the one run finished and was acknowledged

        Assert.Equal(1, handler.Runs);
        Assert.Equal(0L, await q.ScalarAsync<long>("select count(*) from jobs"));
    }

    [Fact]
    public async Task Stopping_lets_in_flight_batches_finish_and_acknowledges_them()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var handler = new SlowHandler(TimeSpan.FromMilliseconds(500));
        await q.EnqueueAsync(Enumerable.Range(0, 10).Select(_ => new NewJob("email", "send", Tenant, "{}")).ToArray());
        var processor = q.Processor(handler);

        using var stop = new CancellationTokenSource();
        var run = processor.RunAsync(stop.Token);
        await handler.Started.Task;
        Assert.True(processor.IsRunning);
        await stop.CancelAsync();
        await run;

        Assert.False(processor.IsRunning);
        Assert.Equal(10, handler.Runs);
        Assert.Equal(0L, await q.ScalarAsync<long>("select count(*) from jobs"));
    }

    /// <summary>An extension that waited for a row the acknowledgement held could deadlock with it (each locking the other's
    /// next row), and PostgreSQL then failed one of them; the one it failed could be the acknowledgement. A row another
    /// transaction holds is being acknowledged or rescued, so the extension passes it by.</summary>
    [Fact]
    public async Task Extending_leases_passes_by_a_job_another_transaction_holds_instead_of_waiting_for_it()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var (held, free) = ((await q.EnqueueAsync(new NewJob("email", "send", Tenant, "{}")))[0], (await q.EnqueueAsync(new NewJob("email", "send", Tenant, "{}")))[0]);
        var options = new QueueProcessorOptions { WorkerId = "w1", Lease = TimeSpan.FromMinutes(10) };
        var jobs = await new NotificationService.Queue.JobClaimer(q.Db, options).ClaimAsync("email", CancellationToken.None);
        await q.ExecAsync("update jobs set locked_until = '2000-01-01'");
        var leases = new LeaseKeeper(q.Db, options, new Dictionary<string, IJobHandler>());
        leases.Track(jobs);

        await using var holder = await q.Db.OpenConnectionAsync();
        await using var tx = await holder.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand($"select id from jobs where id = {held} for update", holder, tx)) await lockRow.ExecuteNonQueryAsync();
        var extend = leases.ExtendAsync(CancellationToken.None);
        var waited = false;
        while (!extend.IsCompleted && !waited)
        {
            waited = await q.ScalarAsync<long>("select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like '%locked_until%'") > 0;
            await Task.WhenAny(extend, Task.Delay(20));
        }
        await tx.RollbackAsync();
        await extend;

        Assert.False(waited, "the extension waited for the held row");
        Assert.Equal(2, jobs.Count);
        Assert.Equal(2000, await q.ScalarAsync<int>($"select extract(year from locked_until)::int from jobs where id = {held}"));
        Assert.True(await q.ScalarAsync<bool>($"select locked_until > now() + interval '5 minutes' from jobs where id = {free}"));
    }
}
