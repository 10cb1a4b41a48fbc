using Npgsql;

namespace NotificationService.Queue.Tests.Queue;

public class ClaimTests
{
    private static readonly Guid TenantA = Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001");
    private static readonly Guid TenantB = Guid.Parse("bbbbbbbb-0000-0000-0000-000000000002");

    [Fact]
    public async Task A_claim_marks_jobs_running_with_a_lease_and_counts_the_attempt()
    {
        await using var q = await QueueDatabase.CreateAsync();
        await q.EnqueueAsync(new NewJob("email", "send", TenantA, """{"to":"a@example.com"}"""));

        var claim = await new JobClaimer(q.Db).ClaimAsync("email", "w1", 10, TimeSpan.FromSeconds(30));

        var job = Assert.Single(claim.Jobs);
        Assert.Equal(1, job.Attempt);
        Assert.Equal("""{"to": "a@example.com"}""", job.ArgsJson);
        Assert.Equal("running:w1", await q.ScalarAsync<string>("select state || ':' || locked_by from jobs"));
        Assert.Empty((await new JobClaimer(q.Db).ClaimAsync("email", "w2", 10, TimeSpan.FromSeconds(30))).Jobs);
    }

    [Fact]
    public async Task High_priority_jobs_are_claimed_before_normal_and_low_ones()
    {
        await using var q = await QueueDatabase.CreateAsync();
        await q.EnqueueAsync(
            new NewJob("email", "send", TenantA, "{}", JobPriority.Low),
            new NewJob("email", "send", TenantA, "{}", JobPriority.Normal),
            new NewJob("email", "send", TenantB, "{}", JobPriority.High));

        var claim = await new JobClaimer(q.Db).ClaimAsync("email", "w1", 2, TimeSpan.FromSeconds(30));

        Assert.Equal([JobPriority.High, JobPriority.Normal], claim.Jobs.Select(j => j.Priority));
    }

    [Fact]
    public async Task One_tenants_backlog_does_not_delay_another_tenants_job()
    {
        await using var q = await QueueDatabase.CreateAsync();
        await q.ExecAsync($$"""
            insert into jobs (queue, kind, tenant_id, args)
            select 'email', 'send', '{{TenantA}}', '{}' from generate_series(1, 20000);
            analyze jobs;
            """);
        var b = (await q.EnqueueAsync(new NewJob("email", "send", TenantB, "{}")))[0];

        var claim = await new JobClaimer(q.Db).ClaimAsync("email", "w1", 100, TimeSpan.FromSeconds(30));

        Assert.Equal(100, claim.Jobs.Count);
        Assert.Contains(claim.Jobs, j => j.Id == b);
        Assert.True(claim.Jobs.Take(2).Any(j => j.Id == b), "round robin puts B's first job among the first two");
    }

    [Fact]
    public async Task Tenants_beyond_one_claims_window_get_their_turn_on_the_next_claim()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var tenants = Enumerable.Range(0, JobClaimer.TenantWindow + 6).Select(_ => Guid.NewGuid()).ToList();
        await q.EnqueueAsync(tenants.Select(t => new NewJob("email", "send", t, "{}")).ToArray());
        var claimer = new JobClaimer(q.Db);

        var first = await claimer.ClaimAsync("email", "w1", 100, TimeSpan.FromSeconds(30));
        var second = await claimer.ClaimAsync("email", "w1", 100, TimeSpan.FromSeconds(30), first.NextCursor);

        Assert.Equal(JobClaimer.TenantWindow, first.Jobs.Count);
        Assert.True(first.MoreMayBeDue);
        Assert.Equal(6, second.Jobs.Count);
        Assert.Equal(tenants.Order(), first.Jobs.Concat(second.Jobs).Select(j => j.TenantId).Order());
    }

    [Fact]
    public async Task Each_queue_claims_as_many_as_its_own_batch_size_says()
    {
        await using var q = await QueueDatabase.CreateAsync();
        await q.EnqueueAsync([.. new[] { "email", "webhooks" }.SelectMany(queue => Enumerable.Range(0, 10).Select(_ => new NewJob(queue, "send", TenantA, "{}")))]);
        var claimer = new NotificationService.Queue.JobClaimer(q.Db, new QueueProcessorOptions
            { WorkerId = "w1", BatchSize = 3, BatchSizes = new Dictionary<string, int> { ["email"] = 7 } });

        var email = await claimer.ClaimAsync("email", CancellationToken.None);
        Assert.True(claimer.LastWasFull);
        var webhooks = await claimer.ClaimAsync("webhooks", CancellationToken.None);

        Assert.Equal(7, email.Count);
        Assert.Equal(3, webhooks.Count);
    }

    /// <summary>
    /// A queue whose handler commits before it acts outside the database claims with `synchronous_commit` off for the
    /// claim's transaction alone (the handler's commit flushes the claim with it); every other queue's claim waits for the
    /// flush. Both claim the same jobs the same way, and the setting does not outlive the claim on its pooled connection.
    /// </summary>
    [Fact]
    public async Task A_queue_whose_handler_commits_first_claims_without_waiting_for_the_flush_and_only_in_its_claim()
    {
        await using var q = await QueueDatabase.CreateAsync();
        await q.EnqueueAsync([.. new[] { "email", "webhooks" }
            .SelectMany(queue => Enumerable.Range(0, 5).Select(_ => new NewJob(queue, "send", TenantA, "{}")))]);
        var claimer = new NotificationService.Queue.JobClaimer(q.Db, new QueueProcessorOptions
            { WorkerId = "w1", BatchSize = 10, ClaimsWithoutFlush = new HashSet<string> { "email" } });

        Assert.Contains("set_config('synchronous_commit', 'off', true)", claimer.SettingsFor("email"));
        Assert.DoesNotContain("synchronous_commit", claimer.SettingsFor("webhooks"));
        Assert.Equal(5, (await claimer.ClaimAsync("email", CancellationToken.None)).Count);
        Assert.Equal(5, (await claimer.ClaimAsync("webhooks", CancellationToken.None)).Count);
        Assert.Equal(5, await q.ScalarAsync<long>("select count(*) from jobs where queue = 'email' and state = 'running'"));
        await using var conn = await q.Db.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand("show synchronous_commit", conn);
        Assert.Equal("on", await cmd.ExecuteScalarAsync());
    }
}
