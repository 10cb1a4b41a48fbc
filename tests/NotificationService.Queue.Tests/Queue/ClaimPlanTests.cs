using System.Text.Json;
using Npgsql;

namespace NotificationService.Queue.Tests.Queue;

/// <summary>
/// The claim runs as a prepared statement (the service prepares its statements automatically), and after five runs
/// PostgreSQL may keep one generic plan for it. That plan must not depend on whether anything was due when it was made:
/// a queue whose ready jobs are all in the future (a schedule, a quiet-hours hold, backoffs) is claimed from often while
/// it waits.
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
        // Planned as "nothing due", the claim walked jobs_ready_due over every due job and sorted them, on every claim
        // (35-41 ms a claim among 50,000, against 2 ms through the fair index).
        Assert.DoesNotContain("jobs_ready_due", IndexesUsed(root));
        Assert.Contains("jobs_ready_fair", IndexesUsed(root));
    }

    private static IEnumerable<string> IndexesUsed(JsonElement node) =>
        (node.TryGetProperty("Index Name", out var name) ? [name.GetString()!] : Array.Empty<string>())
            .Concat(node.TryGetProperty("Plans", out var children) ? children.EnumerateArray().SelectMany(IndexesUsed) : []);

    private static async Task ExecAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
