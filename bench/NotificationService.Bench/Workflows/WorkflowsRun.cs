using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;
using NotificationService.Bench.Service;

namespace NotificationService.Bench.Workflows;

/// <summary>The workflows phase's figures (issue 33).</summary>
public sealed record WorkflowsBenchResult(
    int Triggers, int RunsStarted, double RunsStartedPerSec, double BatchInsertCeiling,
    int ThreeStepRuns, double StepsPerSec, TimeSpan DrainTime,
    int DelayedRuns, double DueRate, double LatenessP50Ms, double LatenessP99Ms, double LatenessMaxMs, bool AllDelayedBeforeFirstDue,
    int WaitingRuns, double RowsPerWaitingRun, double BytesPerWaitingRun, double IdleWorkerCpuMsPerSec, double IdlePostgresCpuMsPerSec, TimeSpan IdleWindow,
    string Loads)
{
    public double TriggerRatio => BatchInsertCeiling > 0 ? RunsStartedPerSec / BatchInsertCeiling : double.NaN;
}

/// <summary>
/// Four measurements, each on its own database with the demo tenant:
/// (1) triggers of 1,000 recipients from four clients against a Mode=api service (no worker: the trigger's own cost, one statement of runs and
/// one of jobs per request), as runs started/s over the ceilings' batch-insert rows/s; (2) those runs of a 3-step workflow
/// with no waits (send in_app, branch, exit) drained by one Mode=worker service: steps/s; (3) runs whose delay comes due at
/// 1,000/s (triggers of 100 whose `until` dates are 100 ms apart, all written well before the first is due), Mode=all:
/// lateness of each `delay_passed` after its date; (4) runs parked in a 30-day waitFor: the rows and bytes each costs and
/// the CPU the service and PostgreSQL use over an idle window while they wait.
/// </summary>
public static class WorkflowsRun
{
    private const int TriggerClients = 4;

    public static async Task<WorkflowsBenchResult> MeasureAsync(string dll, Func<string, Task<string>> createDatabase, double batchInsertCeiling, BenchOptions options)
    {
        var loads = new List<string>();
        var quick = options.Quick;
        var (triggers, delayed, waiting) = options.Smoke ? (1, 200, 1_000) : quick ? (12, 5_000, 10_000) : (48, 30_000, 100_000);

        // (1) and (2): triggers alone, then the worker drains the runs.
        var cs = await createDatabase("workflows_steps");
        int started;
        TimeSpan triggerTime;
        await using (var api = await ServiceProcess.StartAsync(dll, cs, "api"))
        {
            using var http = Client(api);
            await SetUpAsync(http, """
                {"key": "three", "name": "Three steps", "steps": [
                  {"id": "note", "type": "send", "channel": "in_app", "template": "bench-note"},
                  {"id": "route", "type": "branch", "arms": [{"when": "data.vip", "steps": []}], "otherwise": []},
                  {"id": "done", "type": "exit", "reason": "bench"}]}
                """);
            // Four clients at once, as the batch-insert ceiling it is compared with uses four connections.
            var sw = Stopwatch.StartNew();
            var next = -1;
            var counts = await Task.WhenAll(Enumerable.Range(0, TriggerClients).Select(async _ =>
            {
                var mine = 0;
                for (int t; (t = Interlocked.Increment(ref next)) < triggers;)
                {
                    Progress.Show($"workflows: trigger {t + 1}/{triggers} of 1,000 recipients ({TriggerClients} clients, Mode=api)");
                    mine += await TriggerAsync(http, "three", Enumerable.Range(0, 1000).Select(i => $"u{t}-{i}"), new { vip = false });
                }
                return mine;
            }));
            started = counts.Sum();
            triggerTime = sw.Elapsed;
            loads.Add($"triggers {LoadAverage.Now():0.0}");
        }
        await using var stepsDb = NpgsqlDataSource.Create(cs);
        TimeSpan drain;
        await using (var worker = await ServiceProcess.StartAsync(dll, cs, "worker"))
        {
            var sw = Stopwatch.StartNew();
            await WaitAsync(stepsDb, "select count(*) from workflow_runs where state = 'completed'", n => n >= started, "workflows: draining 3-step runs (Mode=worker)");
            drain = sw.Elapsed;
            loads.Add($"3-step drain {LoadAverage.Now():0.0}");
        }

        // (3) delays coming due at 1,000 runs/s.
        cs = await createDatabase("workflows_delays");
        double p50, p99, max;
        bool allBefore;
        await using (var all = await ServiceProcess.StartAsync(dll, cs, "all"))
        {
            using var http = Client(all);
            await SetUpAsync(http, """
                {"key": "later", "name": "Later", "steps": [{"id": "d", "type": "delay", "until": "data.at"}, {"id": "done", "type": "exit", "reason": "bench"}]}
                """);
            var lead = TimeSpan.FromSeconds(options.Smoke ? 5 : quick ? 20 : 60);
            var firstDue = DateTimeOffset.UtcNow + lead;
            for (var t = 0; t < delayed / 100; t++)
            {
                Progress.Show($"workflows: trigger {t + 1}/{delayed / 100} of 100 delayed runs");
                await TriggerAsync(http, "later", Enumerable.Range(0, 100).Select(i => $"d{t}-{i}"), new { at = firstDue + TimeSpan.FromMilliseconds(100 * t) });
            }
            await using var db = NpgsqlDataSource.Create(cs);
            // A run that reaches its delay after the delay's end passes it at once, with no `delayed` line (a host slow enough
            // that the lead was not enough: then not every delay was registered before the first came due, which the report says).
            await WaitAsync(db, "select count(distinct run_id) from workflow_run_events where what in ('delayed', 'delay_passed')", n => n >= delayed,
                "workflows: runs reaching their delay");
            allBefore = DateTimeOffset.UtcNow < firstDue;
            await WaitAsync(db, "select count(*) from workflow_runs where state = 'completed'", n => n >= delayed, "workflows: delays coming due at 1,000/s");
            loads.Add($"delays due {LoadAverage.Now():0.0}");
            await using var q = db.CreateCommand("""
                select percentile_disc(0.5) within group (order by ms), percentile_disc(0.99) within group (order by ms), max(ms) from (
                  select extract(epoch from e.at - (r.data->>'at')::timestamptz) * 1000 as ms
                  from workflow_run_events e join workflow_runs r on r.tenant_id = e.tenant_id and r.id = e.run_id where e.what = 'delay_passed') l
                """);
            await using var r = await q.ExecuteReaderAsync();
            await r.ReadAsync();
            (p50, p99, max) = (r.GetDouble(0), r.GetDouble(1), r.GetDouble(2));
        }

        // (4) runs parked in a wait.
        cs = await createDatabase("workflows_waits");
        double rows, bytes, workerCpu, pgCpu;
        var idle = TimeSpan.FromSeconds(options.Smoke ? 1 : quick ? 10 : 30);
        await using (var all = await ServiceProcess.StartAsync(dll, cs, "all"))
        {
            using var http = Client(all);
            await SetUpAsync(http, """
                {"key": "parked", "name": "Parked", "steps": [{"id": "w", "type": "waitFor", "event": "never", "timeout": "P30D"}]}
                """);
            await using var db = NpgsqlDataSource.Create(cs);
            var before = await Counts(db);
            for (var t = 0; t < waiting / 1000; t++)
            {
                Progress.Show($"workflows: trigger {t + 1}/{waiting / 1000} of 1,000 waiting runs");
                await TriggerAsync(http, "parked", Enumerable.Range(0, 1000).Select(i => $"w{t}-{i}"), new { });
            }
            await WaitAsync(db, "select count(*) from workflow_runs where state = 'waiting'", n => n >= waiting, "workflows: runs reaching their wait");
            await Exec(db, "vacuum analyze workflow_runs, workflow_waits, workflow_run_events, jobs");
            var after = await Counts(db);
            rows = (double)(after.Rows - before.Rows) / waiting;
            bytes = (double)(after.Bytes - before.Bytes) / waiting;
            var meter = await CpuMeter.ForAsync(all.Pid, db);
            var s0 = meter.Sample();
            Progress.Show($"workflows: idle {idle.TotalSeconds:0} s while {waiting:N0} runs wait");
            await Task.Delay(idle);
            var s1 = meter.Sample();
            loads.Add($"idle wait {LoadAverage.Now():0.0}");
            workerCpu = (s1.Worker - s0.Worker).TotalMilliseconds / idle.TotalSeconds;
            pgCpu = (s1.Postgres - s0.Postgres).TotalMilliseconds / idle.TotalSeconds;
        }
        Progress.Done();
        return new WorkflowsBenchResult(triggers, started, started / triggerTime.TotalSeconds, batchInsertCeiling,
            started, started * 3 / drain.TotalSeconds, drain, delayed, 1000, p50, p99, max, allBefore,
            waiting, rows, bytes, workerCpu, pgCpu, idle, string.Join(", ", loads));
    }

    private static HttpClient Client(ServiceProcess service)
    {
        var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiKey);
        return http;
    }

    private static async Task SetUpAsync(HttpClient http, string workflow)
    {
        await PostAsync(http, "/api/v1/admin/templates", """
            {"key": "bench-note", "channel": "in_app", "locale": "en", "parts": {"title": "Note", "body": "A note."}}
            """, allowConflict: true);
        var key = JsonDocument.Parse(workflow).RootElement.GetProperty("key").GetString();
        await PostAsync(http, "/api/v1/admin/workflows", workflow);
        await PostAsync(http, $"/api/v1/admin/workflows/{key}/publish", "{}");
    }

    private static async Task<int> TriggerAsync(HttpClient http, string key, IEnumerable<string> users, object data)
    {
        var body = JsonSerializer.Serialize(new { recipients = users.ToArray(), data });
        var answer = await PostAsync(http, $"/api/v1/services/workflows/{key}/trigger", body);
        return JsonDocument.Parse(answer).RootElement.GetProperty("runIds").GetArrayLength();
    }

    private static async Task<string> PostAsync(HttpClient http, string url, string json, bool allowConflict = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode && !(allowConflict && response.StatusCode == System.Net.HttpStatusCode.Conflict))
            throw new InvalidOperationException($"POST {url}: {(int)response.StatusCode} {text}");
        return text;
    }

    /// <summary>Rows and bytes (heap and indexes) of the tables a waiting run touches.</summary>
    private static async Task<(long Rows, long Bytes)> Counts(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("""
            select (select count(*) from workflow_runs) + (select count(*) from workflow_waits) + (select count(*) from workflow_run_events) + (select count(*) from jobs),
                   pg_total_relation_size('workflow_runs') + pg_total_relation_size('workflow_waits') + pg_total_relation_size('workflow_run_events') + pg_total_relation_size('jobs')
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetInt64(0), r.GetInt64(1));
    }

    private static async Task WaitAsync(NpgsqlDataSource db, string sql, Func<long, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(20);
        while (true)
        {
            await using var cmd = db.CreateCommand(sql);
            var n = Convert.ToInt64(await cmd.ExecuteScalarAsync());
            Progress.Show($"{what}: {n:N0}");
            if (done(n)) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: stuck at {n}");
            await Task.Delay(250);
        }
    }

    private static async Task Exec(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}
