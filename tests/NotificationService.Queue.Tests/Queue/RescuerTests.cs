using System.Collections.Concurrent;

namespace NotificationService.Queue.Tests.Queue;

/// <summary>
/// The rescuer counts a worker's death against every job the worker held (its lease expired: a live worker would have
/// extended it or acknowledged the job). After the second such crash it sets the job aside instead of handing it out to
/// the next worker to kill; a job that was acknowledged never counts; a suspect runs alone.
/// </summary>
public class RescuerTests
{
    private static readonly Guid Tenant = Guid.NewGuid();
    private static readonly QueueProcessorOptions Rescuing = new() { Queues = ["email"] };

    /// <summary>A handler that only ever hears about set-aside jobs (the rescuer never runs a job).</summary>
    private sealed class SetAsideHandler(Func<QueueTransaction, Task>? inTransaction = null) : IJobHandler
    {
        public List<DeadJob> SetAside { get; } = [];
        public string Kind => "send";

        public Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<Job> jobs, CancellationToken ct) =>
            throw new InvalidOperationException("the rescuer runs no job");

        public async Task OnSetAsideAsync(QueueTransaction tx, IReadOnlyList<DeadJob> jobs, CancellationToken ct)
        {
            if (inTransaction is not null) await inTransaction(tx);
            SetAside.AddRange(jobs);
        }
    }

    private static LeaseKeeper Rescuer(QueueDatabase q, IJobHandler handler) =>
        new(q.Db, Rescuing, new Dictionary<string, IJobHandler> { [handler.Kind] = handler });

    private static Task<Rescue> RescueAsync(LeaseKeeper rescuer) => rescuer.RescueAsync(e => throw e, CancellationToken.None);

    private static async Task<IReadOnlyList<Job>> ClaimAsync(QueueDatabase q, string worker, bool withSuspect = false) =>
        await new NotificationService.Queue.JobClaimer(q.Db, new QueueProcessorOptions { WorkerId = worker, Lease = TimeSpan.FromMinutes(5) })
            .ClaimAsync("email", CancellationToken.None, withSuspect: withSuspect);

    /// <summary>The worker died: the lease it can no longer extend runs out (the database's clock is the queue's; moving the
    /// lease back is the time passing).</summary>
    private static Task DiesAsync(QueueDatabase q, string worker) =>
        q.ExecAsync($"update jobs set locked_until = now() - interval '1 second' where locked_by = '{worker}'");

    private static Task<string> RowAsync(QueueDatabase q, long id) =>
        q.ScalarAsync<string>($"select concat_ws(' | ', state, crashes, last_error) from jobs where id = {id}");

    [Fact]
    public async Task A_job_whose_worker_died_goes_back_with_one_crash_and_after_the_second_is_set_aside_with_the_reason()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var handler = new SetAsideHandler();
        var rescuer = Rescuer(q, handler);
        var id = (await q.EnqueueAsync(new NewJob("email", "send", Tenant, "{}")))[0];

        Assert.Equal(id, (await ClaimAsync(q, "w1")).Single().Id);
        await DiesAsync(q, "w1");
        var first = await RescueAsync(rescuer);
        Assert.Equal(["email"], first.ReturnedTo);
        Assert.Empty(first.Dead);
        Assert.Equal("ready | 1 | lease expired: the worker stopped before finishing (w1)", await RowAsync(q, id));

        // A suspect is never part of a batch: only a claim that asks for the worker's one suspect gets it.
        Assert.Empty(await ClaimAsync(q, "w2"));
        var suspect = (await ClaimAsync(q, "w2", withSuspect: true)).Single();
        Assert.Equal((id, 1, 2), (suspect.Id, suspect.Crashes, suspect.Attempt));
        await DiesAsync(q, "w2");
        var second = await RescueAsync(rescuer);

        Assert.Empty(second.ReturnedTo);
        var (job, verdict, worker) = Assert.Single(second.Dead);
        Assert.Equal((id, 2, RescueOutcome.SetAside, "w2"), (job.Id, job.Crashes, verdict.Outcome, worker));
        Assert.Equal("dead | 2 | set aside: its handling stopped the worker 2 times", await RowAsync(q, id));
        Assert.Equal([id], handler.SetAside.Select(j => j.Id));
        var listed = Assert.Single(await q.Queue.ListDeadAsync(Tenant, "email", 10, null, CancellationToken.None));
        Assert.Equal((2, "set aside: its handling stopped the worker 2 times"), (listed.Crashes, listed.LastError));

        // Nothing more to rescue, and the operator's retry starts the count over: an ordinary job again.
        Assert.Empty((await RescueAsync(rescuer)).Dead);
        Assert.Equal(0, (await q.Queue.RetryDeadAsync(Tenant, "email", id, CancellationToken.None))!.Crashes);
        Assert.Equal((id, 0), (await ClaimAsync(q, "w3")).Select(j => (j.Id, j.Crashes)).Single());
    }

    [Fact]
    public async Task A_job_acknowledged_normally_never_counts_a_crash()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var ids = await q.EnqueueAsync([.. Enumerable.Range(0, 3).Select(_ => new NewJob("email", "send", Tenant, "{}"))]);
        var claimed = await ClaimAsync(q, "w1");
        Assert.Equal(3, claimed.Count);

        // w1 acknowledges two (one done, one to retry) and dies holding the third.
        var byId = claimed.ToDictionary(j => j.Id);
        await new JobAcknowledger(q.Db, new QueueProcessorOptions { WorkerId = "w1", RetryPolicyFor = _ => new RetryPolicy(TimeSpan.Zero, TimeSpan.Zero) })
            .AcknowledgeAsync([byId[ids[0]], byId[ids[1]]], [JobResult.Done, new JobResult.Retry("provider timeout")], CancellationToken.None);
        await DiesAsync(q, "w1");
        await RescueAsync(Rescuer(q, new SetAsideHandler()));

        Assert.Equal(0L, await q.ScalarAsync<long>($"select count(*) from jobs where id = {ids[0]}"));
        Assert.Equal("ready | 0 | provider timeout", await RowAsync(q, ids[1]));
        Assert.StartsWith("ready | 1 | lease expired", await RowAsync(q, ids[2]));
    }

    [Fact]
    public async Task What_a_handler_ends_with_a_set_aside_job_commits_with_it_or_not_at_all()
    {
        await using var q = await QueueDatabase.CreateAsync();
        await q.ExecAsync("create table ended (job_id bigint not null)");
        var id = (await q.EnqueueAsync(new NewJob("email", "send", Tenant, "{}")))[0];
        await q.ExecAsync($"update jobs set crashes = 1 where id = {id}");   // it stopped a worker before
        await ClaimAsync(q, "w1", withSuspect: true);
        await DiesAsync(q, "w1");

        async Task EndAsync(QueueTransaction tx, bool fail)
        {
            await using var cmd = new Npgsql.NpgsqlCommand($"insert into ended values ({id})", tx.Connection, tx.Transaction);
            await cmd.ExecuteNonQueryAsync();
            if (fail) throw new InvalidOperationException("the handler's own write failed");
        }
        await Assert.ThrowsAsync<InvalidOperationException>(() => RescueAsync(Rescuer(q, new SetAsideHandler(tx => EndAsync(tx, fail: true)))));
        Assert.Equal(0L, await q.ScalarAsync<long>("select count(*) from ended"));
        Assert.Equal("running | 1", await q.ScalarAsync<string>($"select concat_ws(' | ', state, crashes) from jobs where id = {id}")); // tried again next time

        var committed = false;
        await RescueAsync(Rescuer(q, new SetAsideHandler(async tx => { await EndAsync(tx, fail: false); tx.AfterCommit(() => committed = true); })));
        Assert.Equal(1L, await q.ScalarAsync<long>("select count(*) from ended"));
        Assert.StartsWith("dead | 2 | set aside", await RowAsync(q, id));
        Assert.True(committed);
    }

    /// <summary>Records each batch it is handed, and how many suspects it holds at once.</summary>
    private sealed class BatchRecorder : IJobHandler
    {
        private int _suspectsNow;
        public int MostSuspectsAtOnce;
        public ConcurrentQueue<IReadOnlyList<Job>> Batches { get; } = new();
        public readonly SemaphoreSlim Handled = new(0);
        public string Kind => "send";

        public async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<Job> jobs, CancellationToken ct)
        {
            Batches.Enqueue(jobs);
            var suspects = jobs.Count(j => j.Crashes > 0);
            var now = Interlocked.Add(ref _suspectsNow, suspects);
            InterlockedMax(ref MostSuspectsAtOnce, now);
            await Task.Delay(20, CancellationToken.None);   // room for another batch to overlap, were it allowed
            Interlocked.Add(ref _suspectsNow, -suspects);
            Handled.Release(jobs.Count);
            return [.. jobs.Select(_ => JobResult.Done)];
        }

        private static void InterlockedMax(ref int target, int value)
        {
            for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
                if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
        }
    }

    [Fact]
    public async Task Suspects_run_alone_one_at_a_time_while_fresh_jobs_keep_flowing_in_batches()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var suspects = await q.EnqueueAsync([.. Enumerable.Range(0, 5).Select(_ => new NewJob("email", "send", Tenant, "{}"))]);
        Assert.Equal(5, (await ClaimAsync(q, "w0")).Count);
        await DiesAsync(q, "w0");   // a worker died holding five jobs: one of them may have killed it, any of them
        var fresh = await q.EnqueueAsync([.. Enumerable.Range(0, 40).Select(_ => new NewJob("email", "send", Tenant, "{}"))]);

        var handler = new BatchRecorder();
        await using (new Running(q.Processor(handler, o => o.BatchSize = 10)))
            for (var i = 0; i < suspects.Length + fresh.Length; i++)
                Assert.True(await handler.Handled.WaitAsync(TimeSpan.FromSeconds(30)), $"only {i} jobs handled");

        var batches = handler.Batches.ToList();
        Assert.Equal(suspects.Order(), batches.SelectMany(b => b).Where(j => j.Crashes > 0).Select(j => j.Id).Order());
        Assert.All(batches.Where(b => b.Any(j => j.Crashes > 0)), b => Assert.Single(b));
        Assert.Equal(1, handler.MostSuspectsAtOnce);
        Assert.Equal(fresh.Order(), batches.SelectMany(b => b).Where(j => j.Crashes == 0).Select(j => j.Id).Order());
        Assert.Contains(batches, b => b.Count > 1);   // fresh work is still batched
        Assert.Equal(0L, await q.ScalarAsync<long>("select count(*) from jobs"));
    }
}
