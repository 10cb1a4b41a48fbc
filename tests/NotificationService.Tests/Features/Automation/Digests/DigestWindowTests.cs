using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NotificationService.Features.Automation.Digests;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Queue;
using NotificationService.Tests.Support;
using NotificationService.Workflows.Runs;

namespace NotificationService.Tests.Features.Automation.Digests;

/// <summary>
/// The window rows under the engine, on the real database: exact counts and kept events at 1, 2, 10 and 10,000 events, and
/// many concurrent joiners on two hosts (the service and an API replica, each with its own connection pool) while windows
/// fill and close: one digest per window, every event in exactly one digest, the counts adding up.
/// </summary>
[Collection("digest-windows")]
public class DigestWindowTests(ServiceFixture service)
{
    private static RunRow Run(Guid tenantId, Guid workflowId, string userId, int n, string actor) =>
        new(Guid.NewGuid(), tenantId, workflowId, "comments", 1, userId, JsonNode.Parse($$"""{"id":"{{actor}}"}"""), JsonNode.Parse($$"""{"n":{{n}}}"""),
            null, new RunState(RunStatus.Waiting, "batch", RunPhase.Waiting, 1, null, new Dictionary<string, string>()), null, DateTimeOffset.UtcNow);

    private static DigestPlan Plan(int maxEvents, int keep = 3) => new("fixed", DateTimeOffset.UtcNow.AddHours(1), null, null, maxEvents, keep, keep, false);

    private static async Task<DigestJoin> JoinAsync(NpgsqlDataSource db, IStepWindows windows, RunRow run, string key, DigestPlan plan)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        // The run exists, as a trigger made it: the digest reads its kept events' data from their runs.
        await RunStore.InsertAsync(conn, tx, [new NewRun(run.Id, run.TenantId, run.WorkflowId, run.WorkflowKey, run.Version, run.UserId,
            run.Actor?.ToJsonString(), run.Data?.ToJsonString(), run.CancellationKey, run.Machine)], [], default);
        var joined = await windows.JoinAsync(conn, tx, run, new RunEffect.JoinDigest(1, "batch", key, plan), 1, default);
        await tx.CommitAsync();
        return joined;
    }

    /// <summary>A new tenant's <paramref name="events"/> runs for "ada", one after another into one open window.</summary>
    private async Task<(TestTenant Tenant, IStepWindows Windows, List<RunRow> Runs)> OneWindowAsync(int events, int keep = 3)
    {
        var tenant = await service.NewTenantAsync();
        var windows = service.Factory.Services.GetRequiredService<IStepWindows>();
        var (workflow, runs) = (Guid.NewGuid(), new List<RunRow>());
        for (var i = 0; i < events; i++)
        {
            runs.Add(Run(tenant.Id, workflow, "ada", i, "actor"));
            await JoinAsync(service.Db, windows, runs[^1], "thread-1", Plan(1000, keep));
        }
        return (tenant, windows, runs);
    }

    private async Task<(Guid? Carrier, List<WindowEvent> Events)?> CloseAsync(Guid tenantId, Guid windowId)
    {
        await using var conn = await service.Db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var closed = await DigestStore.CloseManyAsync(conn, tx, tenantId, [windowId], DateTimeOffset.UtcNow, default);
        await tx.CommitAsync();
        return closed is [var w] ? (w.Carrier, w.Events) : null;
    }

    private async Task<JsonNode> SummaryAsync(Guid windowId) =>
        JsonNode.Parse((await service.ScalarAsync<string>("select summary::text from digest_windows where id = $1", windowId))!)!;

    [Theory]
    [InlineData(1, new[] { 0 })]
    [InlineData(2, new[] { 0, 1 })]
    [InlineData(10, new[] { 0, 1, 2, 7, 8, 9 })]
    public async Task A_closed_window_counts_its_events_exactly_and_keeps_the_first_and_last_three(int events, int[] kept)
    {
        var tenant = await service.NewTenantAsync();
        var windows = service.Factory.Services.GetRequiredService<IStepWindows>();
        var (workflow, runs) = (Guid.NewGuid(), new List<RunRow>());
        for (var i = 0; i < events; i++)
        {
            runs.Add(Run(tenant.Id, workflow, "ada", i, $"actor-{i % 4}"));
            Assert.Equal(DigestJoin.Waiting, await JoinAsync(service.Db, windows, runs[^1], "thread-1", Plan(1000)));
        }
        var windowId = await service.ScalarAsync<Guid>("select id from digest_windows where tenant_id = $1 and state = 'open'", tenant.Id);
        var (carrier, members) = (await CloseAsync(tenant.Id, windowId))!.Value;
        var summary = await SummaryAsync(windowId);
        Assert.Null(await CloseAsync(tenant.Id, windowId));   // its close job run again: the window closed once
        Assert.Equal(summary.ToJsonString(), (await SummaryAsync(windowId)).ToJsonString());
        Assert.Equal(carrier, await service.ScalarAsync<Guid>("select carrier_run_id from digest_windows where id = $1", windowId));

        Assert.Equal(runs[0].Id, carrier);
        Assert.Equal(runs.Select(r => r.Id).Order(), members.Select(m => m.RunId).Order());
        Assert.Equal(events, (int)summary["count"]!);
        Assert.Equal(kept, summary["events"]!.AsArray().Select(e => (int)e!["n"]!));
        Assert.Equal(Math.Min(events, 4), (int)summary["actors"]!["count"]!);
        Assert.Equal(Enumerable.Range(0, Math.Min(events, 4)).Select(i => $"actor-{i}"), summary["actors"]!["first"]!.AsArray().Select(a => (string)a!["id"]!));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from digest_events where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task After_the_last_event_leaves_the_last_kept_are_the_last_of_those_that_stayed()
    {
        var (tenant, windows, runs) = await OneWindowAsync(6, keep: 2);
        await using (var conn = await service.Db.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await windows.LeaveAsync(conn, tx, tenant.Id, runs[5].Id, default);
            await tx.CommitAsync();
        }
        var windowId = await service.ScalarAsync<Guid>("select id from digest_windows where tenant_id = $1 and state = 'open'", tenant.Id);
        await CloseAsync(tenant.Id, windowId);

        var summary = await SummaryAsync(windowId);
        Assert.Equal(5, (int)summary["count"]!);
        Assert.Equal([0, 1, 3, 4], summary["events"]!.AsArray().Select(e => (int)e!["n"]!));
    }

    [Fact]
    public async Task Ten_thousand_concurrent_events_on_one_key_make_one_window_the_last_fills_and_its_count_is_exact()
    {
        var tenant = await service.NewTenantAsync();
        var windows = service.Factory.Services.GetRequiredService<IStepWindows>();
        var workflow = Guid.NewGuid();
        var runs = Enumerable.Range(0, 10_000).Select(i => Run(tenant.Id, workflow, "ada", i, $"actor-{i % 7}")).ToList();
        var joins = new System.Collections.Concurrent.ConcurrentBag<DigestJoin>();
        await Parallel.ForEachAsync(runs, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (run, _) => joins.Add(await JoinAsync(service.Db, windows, run, "thread-1", Plan(10_000))));

        Assert.Equal((9_999, 1), (joins.Count(j => j == DigestJoin.Waiting), joins.Count(j => j == DigestJoin.Filled)));
        Assert.Equal(1, await service.ScalarAsync<long>("select count(*) from digest_windows where tenant_id = $1 and state = 'closed'", tenant.Id));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from digest_windows where tenant_id = $1 and state = 'open'", tenant.Id));
        var windowId = await service.ScalarAsync<Guid>("select id from digest_windows where tenant_id = $1", tenant.Id);
        var summary = await SummaryAsync(windowId);
        Assert.Equal((10_000, 6, 7, 5), ((int)summary["count"]!, summary["events"]!.AsArray().Count, (int)summary["actors"]!["count"]!,
            summary["actors"]!["first"]!.AsArray().Count));
        var carrier = await service.ScalarAsync<Guid>("select carrier_run_id from digest_windows where id = $1", windowId);
        var moved = await MovedAsync(tenant.Id, 10_000);
        Assert.Equal(runs.Select(r => r.Id).Order(), moved.Select(j => j.RunId).Order());
        Assert.Equal(carrier, Assert.Single(moved, j => j.Kind == WorkflowStepJob.Carried).RunId);
        Assert.All(moved.Where(j => j.Kind == WorkflowStepJob.Digested), j => Assert.Equal(carrier, j.Other));
    }

    [Fact]
    public async Task Concurrent_joiners_on_two_hosts_and_closers_make_one_digest_per_window_and_lose_no_event()
    {
        var tenant = await service.NewTenantAsync();
        await using var replica = ApiReplica.Start(service);
        var hosts = new[] { service.Factory.Services, replica.Services };
        var workflow = Guid.NewGuid();
        const int events = 4_000, keys = 40;
        var runs = Enumerable.Range(0, events).Select(i => (Run: Run(tenant.Id, workflow, "ada", i, $"a{i % 3}"), Key: $"k{i % keys}")).ToList();
        using var joining = new CancellationTokenSource();
        // Close jobs firing at random moments, as the workers of both replicas would, each job run twice (a crash after its
        // commit, before its acknowledgement): two closers of one window side by side.
        var closer = service.Factory.Services.GetRequiredService<DigestCloser>();
        async Task CloseTwiceAsync(Guid window) => await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            await using var conn = await service.Db.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            await closer.CloseAsync(conn, tx, tenant.Id, window, DateTimeOffset.UtcNow, default);
            await tx.CommitAsync();
        }));
        var closing = Task.Run(async () =>
        {
            while (!joining.IsCancellationRequested)
            {
                var open = await service.ScalarAsync<Guid>("select id from digest_windows where tenant_id = $1 and state = 'open' order by random() limit 1", tenant.Id);
                if (open != Guid.Empty) await CloseTwiceAsync(open);
            }
        });
        await Parallel.ForEachAsync(runs.Select((r, i) => (r, i)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (x, _) =>
        {
            var host = hosts[x.i % 2];
            await JoinAsync(host.GetRequiredService<NpgsqlDataSource>(), host.GetRequiredService<IStepWindows>(), x.r.Run, x.r.Key, Plan(maxEvents: 37));
        });
        joining.Cancel();
        await closing;
        foreach (var open in await OpenWindowsAsync(tenant.Id))
        {
            await using var conn = await service.Db.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            Assert.True(await closer.CloseAsync(conn, tx, tenant.Id, open, DateTimeOffset.UtcNow, default));
            await tx.CommitAsync();
        }

        // Every event is in exactly one closed window's digest, and the counts add up.
        Assert.Equal(events, await service.ScalarAsync<long>("select sum((summary->>'count')::int) from digest_windows where tenant_id = $1", tenant.Id));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from digest_windows where tenant_id = $1 and (summary->>'count')::int > 37", tenant.Id));
        var digests = await service.ScalarAsync<long>("select count(*) from digest_windows where tenant_id = $1 and carrier_run_id is not null", tenant.Id);
        // Each run was moved once: the carrier of its window, or digested naming that carrier.
        var jobs = await MovedAsync(tenant.Id, events);
        Assert.Equal(events, jobs.Count);
        Assert.Equal(runs.Select(r => r.Run.Id).Order(), jobs.Select(j => j.RunId).Order());
        var carriers = jobs.Where(j => j.Kind == WorkflowStepJob.Carried).Select(j => j.RunId).ToHashSet();
        Assert.Equal(digests, carriers.Count);
        Assert.All(jobs.Where(j => j.Kind == WorkflowStepJob.Digested), j => Assert.Contains(j.Other!.Value, carriers));
    }

    /// <summary>
    /// Each run the tenant's closed windows moved, as the step job that moved it: `carried` jobs, and a `digested` one for
    /// each run of the `digest-digested` jobs (naming the carrier); once there are at least <paramref name="count"/>.
    /// </summary>
    private async Task<IReadOnlyList<WorkflowStepJob>> MovedAsync(Guid tenantId, int count) =>
        await service.Queue.Acknowledged.WaitForAsync<WorkflowStepJob>(a => a.Job.TenantId != tenantId ? [] : a.Job.Kind switch
        {
            WorkflowStepJob.JobKind => [a.Job.ArgsAs<WorkflowStepJob>()],
            DigestedRunsJob.JobKind => a.Job.ArgsAs<DigestedRunsJob>() is var d
                ? d.Runs.Zip(d.Seqs).Select(r => new WorkflowStepJob(r.First, WorkflowStepJob.Digested, r.Second, d.Carrier)) : [],
            _ => [],
        }, "runs moved by their windows' close", count, TimeSpan.FromMinutes(3));

    private async Task<List<Guid>> OpenWindowsAsync(Guid tenantId)
    {
        await using var cmd = service.Db.CreateCommand("select id from digest_windows where tenant_id = $1 and state = 'open'");
        cmd.Parameters.AddWithValue(tenantId);
        var ids = new List<Guid>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) ids.Add(r.GetGuid(0));
        return ids;
    }

    [Fact]
    public async Task A_closing_windows_carrier_moves_at_once_and_its_digested_runs_in_one_low_priority_job_due_after_the_delay()
    {
        var (tenant, _, runs) = await OneWindowAsync(3);
        var windowId = await service.ScalarAsync<Guid>("select id from digest_windows where tenant_id = $1 and state = 'open'", tenant.Id);
        // The service's own setting (two minutes unless set; the specs' fixture sets 0 so that runs end at once).
        var services = service.Factory.Services;
        var closer = new DigestCloser(services.GetRequiredService<JobQueue>(), services.GetRequiredService<LiveDigestItems>(),
            DigestOptions.From(new ConfigurationBuilder().Build()));
        var now = DateTimeOffset.UtcNow;

        // Read inside the close's transaction (then rolled back): the workers never see these jobs.
        await using var conn = await service.Db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        Assert.True(await closer.CloseAsync(conn, tx, tenant.Id, windowId, now, default));
        await using var cmd = new NpgsqlCommand("select kind, priority, units, args::text, run_at, now() from jobs where tenant_id = $1 and kind <> 'digest-close' order by priority", conn, tx);
        cmd.Parameters.AddWithValue(tenant.Id);
        var queued = new List<(string Kind, JobPriority Priority, int Units, JsonNode Args, DateTimeOffset RunAt, DateTimeOffset DbNow)>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync())
                queued.Add((r.GetString(0), (JobPriority)r.GetInt16(1), r.GetInt32(2), JsonNode.Parse(r.GetString(3))!, r.GetFieldValue<DateTimeOffset>(4), r.GetFieldValue<DateTimeOffset>(5)));
        await tx.RollbackAsync();

        Assert.Equal(2, queued.Count);
        Assert.Equal(("workflow-step", JobPriority.Normal, 1), (queued[0].Kind, queued[0].Priority, queued[0].Units));
        Assert.Equal(("carried", runs[0].Id), ((string)queued[0].Args["k"]!, (Guid)queued[0].Args["r"]!));
        Assert.True(queued[0].RunAt <= queued[0].DbNow, "the carrier moves at once");
        Assert.Equal(("digest-digested", JobPriority.Low, 2), (queued[1].Kind, queued[1].Priority, queued[1].Units));
        Assert.Equal(runs[0].Id, (Guid)queued[1].Args["c"]!);
        Assert.Equal([runs[1].Id, runs[2].Id], queued[1].Args["r"]!.AsArray().Select(x => (Guid)x!));
        Assert.Equal([1, 1], queued[1].Args["s"]!.AsArray().Select(x => (int)x!));
        Assert.Equal(now + TimeSpan.FromMinutes(2), queued[1].RunAt, TimeSpan.FromMilliseconds(1));
    }
}

/// <summary>
/// A service of its own, so that these specs run beside the shared service's classes rather than among them: thousands of
/// joins queue on a few windows' row locks for two to three minutes with the cores mostly idle, which in the shared
/// collection (its classes one after another) was the run's last minutes.
/// </summary>
[CollectionDefinition("digest-windows"), StartsFirst(5)]
public sealed class DigestWindowsCollection : ICollectionFixture<ServiceFixture>;
