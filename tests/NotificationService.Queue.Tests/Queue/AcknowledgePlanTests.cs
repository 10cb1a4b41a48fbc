using System.Text.Json;
using Npgsql;

namespace NotificationService.Queue.Tests.Queue;

/// <summary>
/// A worker acknowledges every batch it handled in one prepared statement, and while it does, its other batches (and
/// other workers') are running. The statement's generic plan must touch only the jobs it acknowledges, however many are
/// running: it once joined every running job of the queue to the acknowledged rows and rescanned them for each, 7–12 ms
/// an acknowledgement of 100 with 800 running, more than the delivery work it acknowledged.
/// </summary>
public class AcknowledgePlanTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    public async Task Acknowledging_a_batch_reads_only_its_own_jobs_however_many_others_are_running(int retried)
    {
        await using var q = await QueueDatabase.CreateAsync();
        await q.ExecAsync("""
            insert into jobs (queue, kind, tenant_id, args, state, attempt, locked_by, locked_until)
            select 'webhooks', 'webhook', 'aaaaaaaa-0000-0000-0000-000000000001', '{}', 'running', 1, 'w1', now() + interval '5 minutes'
            from generate_series(1, 900);
            insert into jobs (queue, kind, tenant_id, args) select 'webhooks', 'webhook', 'aaaaaaaa-0000-0000-0000-000000000001', '{}'
            from generate_series(1, 5000);
            analyze jobs;
            """);
        await using var conn = await q.Db.OpenConnectionAsync();
        await ExecAsync(conn, "set plan_cache_mode = force_generic_plan");   // the plan a worker keeps after five runs
        await ExecAsync(conn, $"prepare ack(bigint[], text, bigint[], text[], float8[], int[], text[], bigint[], jsonb[], text[], float8[], int[], text[]) as {JobAcknowledger.Sql}");
        var batch = new List<long>();
        await using (var ids = new NpgsqlCommand("select id from jobs where state = 'running' order by id limit 100", conn))
        await using (var r = await ids.ExecuteReaderAsync())
            while (await r.ReadAsync()) batch.Add(r.GetInt64(0));
        var (done, retry) = (batch[..^retried], batch[^retried..]);

        // (EXPLAIN takes no bind parameters: the lists are written into it.)
        string List<T>(IEnumerable<T> items) => "'{" + string.Join(',', items) + "}'";
        await using var explain = new NpgsqlCommand($$"""
            explain (analyze, format json) execute ack({{List(done)}}, 'w1', {{List(retry)}}, {{List(retry.Select(_ => "retry"))}},
                {{List(retry.Select(_ => 1000))}}, {{List(retry.Select(_ => 0))}}, {{List(retry.Select(_ => "HTTP 503"))}}, '{}', '{}', '{}', '{}', '{}', '{}')
            """, conn);
        using var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!);

        Assert.Equal(5800 + retried, await q.ScalarAsync<long>("select count(*) from jobs"));
        Assert.Equal(retried, await q.ScalarAsync<long>("select count(*) from jobs where last_error = 'HTTP 503' and state = 'ready'"));
        // Every row any node read from `jobs`, kept or filtered out: the 100 acknowledged, not the 900 running or the
        // 5,000 ready (nor 100 × 900 comparisons).
        var read = RowsReadFromJobs(plan.RootElement[0].GetProperty("Plan"));
        Assert.True(read <= 100, $"{read} rows of jobs read: {plan.RootElement}");
    }

    private static long RowsReadFromJobs(JsonElement node) =>
        (node.TryGetProperty("Relation Name", out var table) && table.GetString() == "jobs" && node.GetProperty("Node Type").GetString()!.Contains("Scan")
            ? (node.GetProperty("Actual Rows").GetInt64() + (node.TryGetProperty("Rows Removed by Filter", out var removed) ? removed.GetInt64() : 0))
              * node.GetProperty("Actual Loops").GetInt64()
            : 0)
        + (node.TryGetProperty("Plans", out var children) ? children.EnumerateArray().Sum(RowsReadFromJobs) : 0);

    private static async Task ExecAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
