using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace NotificationService.Queue.Tests.Queue;

/// <summary>
/// The claim runs as a prepared statement (the service prepares its statements automatically), and after five runs
/// PostgreSQL may keep one generic plan for it. That plan must not depend on whether anything was due when it was made:
/// a queue whose ready jobs are all in the future (a schedule, a quiet-hours hold, backoffs) is claimed from often while
/// it waits. Nor on how few jobs a busy queue held when autovacuum last counted them.
/// </summary>
public class ClaimPlanTests
{
    private const string Execute = "execute claim('email', 100, 64, '00000000-0000-0000-0000-000000000000', 'w1', 30000, 2, false)";

    [Fact]
    public async Task A_claim_planned_while_nothing_was_due_walks_the_fair_index_once_the_jobs_fall_due()
    {
        await using var q = await QueueDatabase.CreateAsync();
        await q.ExecAsync("""
            insert into jobs (queue, kind, tenant_id, args, run_at)
            select 'email', 'send', 'aaaaaaaa-0000-0000-0000-000000000001', '{}', now() + interval '1 hour' from generate_series(1, 20000);
            analyze jobs;
            """);
        await using var conn = await q.Db.OpenConnectionAsync();
        // The generic plan at once, rather than after five runs; made now, while every ready job is an hour away.
        await ExecAsync(conn, "set plan_cache_mode = force_generic_plan");
        await ExecAsync(conn, $"prepare claim(text, int, int, uuid, text, float8, smallint, bool) as {NotificationService.Queue.JobClaimer.Sql}");
        await ExecAsync(conn, Execute);
        // They fall due. No ANALYZE runs, so the plan made above is the one used.
        await ExecAsync(conn, "update jobs set run_at = now() - interval '1 second'");

        await using var explain = new NpgsqlCommand($"explain (analyze, format json) {Execute}", conn);
        using var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!);

        var root = plan.RootElement[0].GetProperty("Plan");
        Assert.Equal(100, root.GetProperty("Actual Rows").GetInt32());
        // Planned as "nothing due", the claim walked the (queue, run_at) index over every due job and sorted them, on every claim
        // (35-41 ms a claim among 50,000, against 2 ms through the fair index).
        Assert.DoesNotContain("jobs_ready_wake", IndexesUsed(root));
        Assert.Contains("jobs_ready_fair", IndexesUsed(root));
    }

    [Fact]
    public async Task A_claim_planned_just_after_a_churning_queue_was_vacuumed_walks_the_fair_index()
    {
        await using var q = await QueueDatabase.CreateAsync();
        // 30,000 jobs came and went and 3 wait when autovacuum counts the table: what a busy queue's claims are planned on
        // until the next vacuum. On that count a bitmap scan of the (queue, run_at) index, or of the fair index, costed the
        // same as walking the fair index in order, and a connection kept whichever plan it made.
        await q.ExecAsync("""
            insert into jobs (queue, kind, tenant_id, args) select 'email', 'send', gen_random_uuid(), '{}' from generate_series(1, 30000);
            delete from jobs;
            insert into jobs (queue, kind, tenant_id, args) select 'email', 'send', gen_random_uuid(), '{}' from generate_series(1, 3);
            """);
        await q.ExecAsync("vacuum analyze jobs");
        // The service's own claim, through a pool whose sessions keep the generic plan from the first prepared run and
        // send each plan back to the client (auto_explain at notice level, which Npgsql logs).
        var plans = new PlanLog();
        var csb = new NpgsqlConnectionStringBuilder(q.Db.ConnectionString)
        {
            MaxAutoPrepare = 10, AutoPrepareMinUsages = 1,
            Options = "-c plan_cache_mode=force_generic_plan -c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0"
                + " -c auto_explain.log_format=json -c auto_explain.log_level=notice",
        };
        await using var db = new NpgsqlDataSourceBuilder(csb.ConnectionString).UseLoggerFactory(plans).Build();

        var claim = await new JobClaimer(db).ClaimAsync("email", "w1", 100, TimeSpan.FromSeconds(30));

        Assert.Equal(3, claim.Jobs.Count);
        var plan = plans.Claims.Single();
        // Tenants and their offers through the fair index; the suspect slot and the update have indexes of their own.
        Assert.Contains("jobs_ready_fair", IndexesUsed(plan));
        Assert.Empty(IndexesUsed(plan).Except(["jobs_ready_fair", "jobs_ready_suspects", "jobs_pkey"]));
        Assert.DoesNotContain("Bitmap Heap Scan", NodeTypes(plan));
        Assert.DoesNotContain("Seq Scan", NodeTypes(plan));
    }

    private static IEnumerable<string> NodeTypes(JsonElement node) =>
        new[] { node.GetProperty("Node Type").GetString()! }
            .Concat(node.TryGetProperty("Plans", out var children) ? children.EnumerateArray().SelectMany(NodeTypes) : []);

    private static IEnumerable<string> IndexesUsed(JsonElement node) =>
        (node.TryGetProperty("Index Name", out var name) ? [name.GetString()!] : Array.Empty<string>())
            .Concat(node.TryGetProperty("Plans", out var children) ? children.EnumerateArray().SelectMany(IndexesUsed) : []);

    private static async Task ExecAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>The plans auto_explain sends as notices, as Npgsql logs them: the claim's (an UPDATE) kept.</summary>
    private sealed class PlanLog : ILoggerFactory, ILogger
    {
        private readonly ConcurrentQueue<string> _notices = new();

        public IEnumerable<JsonElement> Claims => _notices
            .Select(n => n[n.IndexOf('{')..]).Where(json => json.Contains("\"Operation\": \"Update\"", StringComparison.Ordinal))
            .Select(json => JsonDocument.Parse(json).RootElement.GetProperty("Plan"));

        public void Log<TState>(LogLevel level, EventId id, TState state, Exception? e, Func<TState, Exception?, string> format)
        {
            var message = format(state, e);
            if (message.Contains("\"Plan\"", StringComparison.Ordinal)) _notices.Enqueue(message);
        }

        public bool IsEnabled(LogLevel level) => true;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public ILogger CreateLogger(string category) => this;
        public void AddProvider(ILoggerProvider provider) { }
        public void Dispose() { }
    }
}
