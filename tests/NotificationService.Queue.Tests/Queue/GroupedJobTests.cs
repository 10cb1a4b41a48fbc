namespace NotificationService.Queue.Tests.Queue;

/// <summary>A job may stand for several units of work (a group of notifications); claims and splits count units.</summary>
public class GroupedJobTests
{
    private static readonly Guid Tenant = Guid.NewGuid();

    [Fact]
    public async Task A_claim_fills_its_batch_by_units_not_by_jobs()
    {
        await using var q = await QueueDatabase.CreateAsync();
        await q.EnqueueAsync(Enumerable.Range(0, 10).Select(i => new NewJob("email", "send", Tenant, "{}", Units: 25)).ToArray());

        var claim = await new JobClaimer(q.Db).ClaimAsync("email", "w1", 100, TimeSpan.FromSeconds(30));

        Assert.Equal(4, claim.Jobs.Count);
        Assert.Equal(6L, await q.ScalarAsync<long>("select count(*) from jobs where state = 'ready'"));
        // The operator's depth counts the work, not the jobs carrying it.
        var stats = Assert.Single(await q.Queue.StatsAsync(Tenant, CancellationToken.None));
        Assert.Equal((150L, 100L), (stats.Ready, stats.Running));
    }

    [Fact]
    public async Task A_job_larger_than_the_batch_is_still_claimed_on_its_own()
    {
        await using var q = await QueueDatabase.CreateAsync();
        await q.EnqueueAsync(new NewJob("email", "send", Tenant, "{}", Units: 150), new NewJob("email", "send", Tenant, "{}"));

        var claim = await new JobClaimer(q.Db).ClaimAsync("email", "w1", 100, TimeSpan.FromSeconds(30));

        Assert.Single(claim.Jobs);
    }

    [Fact]
    public async Task Cancelling_a_unit_of_a_waiting_group_keeps_its_job_until_the_last_unit()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var id = (await q.EnqueueAsync(new NewJob("email", "send", Tenant, "{}", RunAt: DateTimeOffset.UtcNow.AddHours(1), Units: 2)))[0];
        await using var conn = await q.Db.OpenConnectionAsync();

        Assert.True(await q.Queue.CancelAsync(conn, null, Tenant, id, CancellationToken.None));
        Assert.Equal(1, await q.ScalarAsync<int>($"select units from jobs where id = {id}"));
        Assert.False(await q.Queue.CancelAsync(conn, null, Guid.NewGuid(), id, CancellationToken.None)); // not that tenant's
        Assert.True(await q.Queue.CancelAsync(conn, null, Tenant, id, CancellationToken.None));
        Assert.Equal(0L, await q.ScalarAsync<long>("select count(*) from jobs"));
    }

    [Fact]
    public async Task A_split_job_is_done_and_each_unfinished_part_becomes_a_job_in_the_state_its_result_gives()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var groupId = (await q.EnqueueAsync(new NewJob("email", "send", Tenant, """{"group":true}""", JobPriority.Low, MaxAttempts: 3, Units: 4)))[0];
        var claim = await new JobClaimer(q.Db).ClaimAsync("email", "w1", 100, TimeSpan.FromSeconds(30));
        var group = Assert.Single(claim.Jobs);

        await new JobAcknowledger(q.Db, new QueueProcessorOptions { WorkerId = "w1", RetryPolicyFor = _ => new RetryPolicy(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)) })
            .AcknowledgeAsync([group], [new JobResult.Split([
                new JobPart("""{"p":"sent"}""", JobResult.Done),
                new JobPart("""{"p":"retry"}""", new JobResult.Retry("503 from provider")),
                new JobPart("""{"p":"throttled"}""", new JobResult.Throttled(TimeSpan.FromSeconds(30), "429")),
                new JobPart("""{"p":"failed"}""", new JobResult.Failed("invalid address")),
            ])], CancellationToken.None);

        Assert.Equal(0L, await q.ScalarAsync<long>($"select count(*) from jobs where id = {groupId}"));
        Assert.Equal("failed:dead:1:invalid address|retry:ready:1:503 from provider|throttled:ready:0:429",
            await q.ScalarAsync<string>("""
                select string_agg(concat_ws(':', args->>'p', state, attempt, last_error), '|' order by args->>'p') from jobs
                where queue = 'email' and kind = 'send' and priority = 2 and max_attempts = 3 and units = 1 and locked_by is null
                """));
        // Each part waits as the single-job path would: the retry policy's delay, the throttle's Retry-After.
        Assert.Equal(2L, await q.ScalarAsync<long>("select count(*) from jobs where state = 'ready' and run_at > now() + interval '25 seconds'"));
    }

    [Fact]
    public async Task A_part_that_split_off_runs_again_on_its_own_at_the_next_attempt()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var handler = new RecordingHandler(j => j.ArgsJson.Contains("group")
            ? new JobResult.Split([new JobPart("""{"p":1}""", JobResult.Done), new JobPart("""{"p":2}""", new JobResult.Retry("timeout"))])
            : JobResult.Done);
        await q.EnqueueAsync(new NewJob("email", "send", Tenant, """{"group":true}""", Units: 2));

        await using (new Running(q.Processor(handler))) await handler.WaitForAsync(2);

        Assert.Equal(["""{"group": true}:1""", """{"p": 2}:2"""], handler.Seen.Select(j => $"{j.ArgsJson}:{j.Attempt}"));
        Assert.Equal(0L, await q.ScalarAsync<long>("select count(*) from jobs"));
    }

    [Fact]
    public async Task A_split_by_a_worker_that_lost_the_lease_adds_no_parts()
    {
        await using var q = await QueueDatabase.CreateAsync();
        await q.EnqueueAsync(new NewJob("email", "send", Tenant, "{}", Units: 2));
        var group = Assert.Single((await new JobClaimer(q.Db).ClaimAsync("email", "w1", 100, TimeSpan.FromSeconds(30))).Jobs);
        await q.ExecAsync("update jobs set locked_by = 'w2'"); // rescued and claimed by another worker meanwhile

        await new JobAcknowledger(q.Db, new QueueProcessorOptions { WorkerId = "w1" })
            .AcknowledgeAsync([group], [new JobResult.Split([new JobPart("{}", new JobResult.Retry("timeout"))])], CancellationToken.None);

        Assert.Equal("running:w2", await q.ScalarAsync<string>("select string_agg(state || ':' || locked_by, ',') from jobs"));
    }
}
