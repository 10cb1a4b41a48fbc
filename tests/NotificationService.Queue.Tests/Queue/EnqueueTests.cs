namespace NotificationService.Queue.Tests.Queue;

public class EnqueueTests
{
    private static readonly Guid Tenant = Guid.NewGuid();

    [Fact]
    public async Task A_job_enqueued_in_a_rolled_back_transaction_leaves_nothing_behind()
    {
        await using var q = await QueueDatabase.CreateAsync();
        await using (var conn = await q.Db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            var ids = await q.Queue.EnqueueAsync(conn, tx, [new NewJob("email", "send", Tenant, "{}")], CancellationToken.None);
            Assert.Single(ids);
            await tx.RollbackAsync();
        }
        Assert.Equal(0L, await q.ScalarAsync<long>("select count(*) from jobs"));
    }

    [Fact]
    public async Task A_batch_is_inserted_with_its_ids_in_input_order()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var jobs = Enumerable.Range(0, 500).Select(i => new NewJob("email", "send", Tenant, $$"""{"n":{{i}}}""",
            (JobPriority)(i % 3), MaxAttempts: 3)).ToArray();

        var ids = await q.EnqueueAsync(jobs);

        Assert.Equal(500, ids.Length);
        for (var i = 0; i < ids.Length; i += 97)
            Assert.Equal((long)i, await q.ScalarAsync<long>($"select (args->>'n')::bigint from jobs where id = {ids[i]}"));
        Assert.Equal(500L, await q.ScalarAsync<long>("select count(*) from jobs where state = 'ready' and max_attempts = 3 and attempt = 0"));
    }

    [Fact]
    public async Task A_scheduled_job_can_be_cancelled_until_it_is_claimed_but_not_by_another_tenant()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var scheduled = (await q.EnqueueAsync(new NewJob("email", "send", Tenant, "{}", RunAt: DateTimeOffset.UtcNow.AddHours(1))))[0];
        var due = (await q.EnqueueAsync(new NewJob("email", "send", Tenant, "{}")))[0];
        await new JobClaimer(q.Db).ClaimAsync("email", "w1", 10, TimeSpan.FromSeconds(30));

        await using var conn = await q.Db.OpenConnectionAsync();
        Assert.False(await q.Queue.CancelAsync(conn, null, Guid.NewGuid(), scheduled, CancellationToken.None));
        Assert.False(await q.Queue.CancelAsync(conn, null, Tenant, due, CancellationToken.None)); // already claimed
        Assert.True(await q.Queue.CancelAsync(conn, null, Tenant, scheduled, CancellationToken.None));
        Assert.Equal(1L, await q.ScalarAsync<long>("select count(*) from jobs"));
    }

    [Fact]
    public async Task Stats_count_ready_scheduled_running_and_dead_jobs_per_queue_and_tenant()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var other = Guid.NewGuid();
        await q.EnqueueAsync(
            new NewJob("email", "send", Tenant, "{}"),
            new NewJob("email", "send", Tenant, "{}"),
            new NewJob("email", "send", Tenant, "{}", RunAt: DateTimeOffset.UtcNow.AddHours(1)),
            new NewJob("sms", "send", Tenant, "{}"),
            new NewJob("email", "send", other, "{}"));
        await q.ExecAsync("update jobs set state = 'dead', updated_at = now() where id = (select min(id) from jobs)");
        await q.ExecAsync("update jobs set run_at = now() - interval '1 minute' where queue = 'sms'");
        await new JobClaimer(q.Db).ClaimAsync("sms", "w1", 10, TimeSpan.FromSeconds(30));

        var mine = await q.Queue.StatsAsync(Tenant, CancellationToken.None);
        var all = await q.Queue.StatsAsync(null, CancellationToken.None);

        Assert.Equal(["email", "sms"], mine.Select(s => s.Queue));
        Assert.Equal((1L, 1L, 0L, 1L), (mine[0].Ready, mine[0].Scheduled, mine[0].Running, mine[0].Dead));
        Assert.Equal((0L, 0L, 1L, 0L), (mine[1].Ready, mine[1].Scheduled, mine[1].Running, mine[1].Dead));
        Assert.NotNull(mine[0].OldestReadyAge);
        Assert.Null(mine[1].OldestReadyAge);
        Assert.Equal(2L, all[0].Ready);
    }
}
