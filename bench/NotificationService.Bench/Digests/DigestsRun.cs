using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Npgsql;
using NotificationService.Bench.Service;

namespace NotificationService.Bench.Digests;

/// <summary>The digest phase's figures.</summary>
public sealed record DigestsBenchResult(int Events, int Keys, double AbsorbedPerSec, double BatchInsertCeiling, long Windows, long Counted,
    int ClosingWindows, TimeSpan ClosingSpread, double EndToCallP50Ms, double EndToCallP99Ms, double EndToCallMaxMs, string Loads)
{
    public double AbsorbRatio => BatchInsertCeiling > 0 ? AbsorbedPerSec / BatchInsertCeiling : double.NaN;
    public bool ExactlyOnePerKey => Windows == Keys && Counted == Events;
}

/// <summary>
/// Comments into digests, on one Mode=all service with the demo tenant: users × threads keys (the digest key is
/// `data.threadId`, per recipient), triggers of every user for one thread from four clients, until every event waits in
/// its key's window: events absorbed per second over the ceilings' batch-insert rows/s. Then every window's end is set
/// within the same minute (the spec-style "its end has come", on the close jobs), and each window's digest email reaches
/// the sandbox provider: the time from the window's end to that call, and that there is exactly one digest per key
/// holding every event.
/// </summary>
public static class DigestsRun
{
    public const string Phase = "digest";
    private const int Clients = 4;

    public static async Task<DigestsBenchResult> MeasureAsync(string dll, Func<string, Task<string>> createDatabase, double batchInsertCeiling, BenchOptions options)
    {
        var (users, threads, events, spread) = options.Smoke ? (20, 2, 200, TimeSpan.FromSeconds(2))
            : options.Quick ? (1_000, 10, 100_000, TimeSpan.FromSeconds(20)) : (1_000, 10, 1_000_000, TimeSpan.FromSeconds(60));
        var keys = users * threads;
        var triggers = events / users;
        var loads = new List<string>();
        var cs = await createDatabase("digests");
        await using var db = NpgsqlDataSource.Create(cs);
        // The smoke waits for every run to end: there, the runs a digest carried end at once rather than two minutes later.
        await using var all = await ServiceProcess.StartAsync(dll, cs, "all",
            options.Smoke ? new Dictionary<string, string> { ["Digests__DigestedRunsDelaySeconds"] = "0" } : null);
        using var http = new HttpClient { BaseAddress = all.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiKey);
        await PostAsync(http, "/api/v1/admin/templates", """
            {"key": "bench-digest", "channel": "email", "locale": "en", "parts": {"subject": "{{steps.batch.count}} new comments", "text": "On {{threadId}}"}}
            """);
        await PostAsync(http, "/api/v1/admin/workflows", """
            {"key": "bench-comments", "name": "Bench comments", "steps": [
              {"id": "batch", "type": "digest", "key": "data.threadId", "window": {"fixed": "PT1H"}, "maxEvents": 10000, "keep": {"first": 3, "last": 3}},
              {"id": "mail", "type": "send", "channel": "email", "template": "bench-digest"}]}
            """);
        await PostAsync(http, "/api/v1/admin/workflows/bench-comments/publish", "{}");
        // The recipients' addresses, once, before the clock starts.
        for (var u = 0; u < users; u += 1000)
            await PostAsync(http, "/api/v1/services/users/bulk", JsonSerializer.Serialize(new
            {
                users = Enumerable.Range(u, Math.Min(1000, users - u)).Select(i => new { userId = $"u{i}", email = $"u{i}@example.com" }),
            }));

        await DigestsWarmUp.RunAsync(http, db, all, options);

        // What an absorbed event costs (CPU of the service and PostgreSQL, statements, rows per table): where absorption goes.
        var meter = await Costs.UnitMeter.StartAsync(db, "digest: triggers absorbed into windows (Mode=all)");
        var sw = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            for (int t; (t = Interlocked.Increment(ref next)) < triggers;)
            {
                Progress.Show($"digest: trigger {t + 1}/{triggers} of {users:N0} recipients ({Clients} clients)");
                await PostAsync(http, "/api/v1/services/workflows/bench-comments/trigger", JsonSerializer.Serialize(new
                {
                    recipients = Enumerable.Range(0, users).Select(i => $"u{i}"),
                    data = new { threadId = $"thread{t % threads}", text = $"comment {t}" },
                    actor = new { id = $"a{t % 50}" },
                }));
            }
        }));
        await WaitAsync(db, "select coalesce(sum(event_count), 0) from digest_windows where state = 'open'", n => n >= events, "digest: events joining their windows");
        var absorbed = events / sw.Elapsed.TotalSeconds;
        await meter.StopAsync(events, "event");
        loads.Add($"absorb {LoadAverage.Now():0.0}");

        // An hour's windows absorbed in under a minute leave autovacuum a backlog (millions of rows inserted and updated
        // seconds ago) that an hour of arrivals would have spread out: without this, it ran through the closing minute
        // (end-to-call p99 0.9-14 s across runs as it did or not). What the closes meet is then the windows, not the backlog.
        foreach (var table in new[] { "workflow_runs", "digest_events", "digest_windows", "jobs" })
        {
            Progress.Show($"digest: vacuum analyze {table} (what autovacuum would have done over the windows' hour)");
            await using var vacuum = db.CreateCommand($"vacuum analyze {table}");
            vacuum.CommandTimeout = 600;
            await vacuum.ExecuteNonQueryAsync();
        }

        // Every window ends within the same minute: its close job is made due at a moment drawn in the spread. What a window
        // costs from its end to its digest's provider call (the close, the carrier's send, its dispatch, and the digested
        // runs' moves done by then): where the closing minute goes.
        var closing = await Costs.UnitMeter.StartAsync(db, "digest: windows closed to their digests' provider calls (Mode=all)");
        var watch = await DatabaseWatch.StartAsync(db);   // a slow tail that lines up with a checkpoint or autovacuum is not the closes
        var ends = new Dictionary<Guid, DateTime>();
        var sentBefore = await ScalarAsync(db, "select count(*) from sandbox_messages");
        await using (var cmd = db.CreateCommand("""
            update jobs set run_at = now() + interval '3 seconds' + random() * make_interval(secs => $1)
            where kind = 'digest-close' and state = 'ready' returning (args->>'w')::uuid, run_at
            """))
        {
            cmd.Parameters.AddWithValue(spread.TotalSeconds);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) ends[r.GetGuid(0)] = r.GetDateTime(1);
        }
        await WaitAsync(db, "select count(*) from sandbox_messages", n => n >= sentBefore + ends.Count, "digest: digests reaching the provider");
        await closing.StopAsync(ends.Count, "window");
        loads.Add($"closing {LoadAverage.Now():0.0} ({await watch.StopAsync()})");

        var lateness = new List<double>();
        await using (var cmd = db.CreateCommand("""
            select w.id, min(m.created_at) from digest_windows w
            join workflow_sends s on s.tenant_id = w.tenant_id and s.run_id = w.carrier_run_id and s.step_id = 'mail'
            join sandbox_messages m on m.notification_id = s.notification_id
            group by w.id
            """))
        {
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
                if (ends.TryGetValue(r.GetGuid(0), out var end)) lateness.Add((r.GetDateTime(1) - end).TotalMilliseconds);
        }
        // The runs whose events the digests carried end after (due two minutes after their window closed, at low priority):
        // what ending one costs, until none waits.
        var digested = await ScalarAsync(db, "select count(*) from workflow_runs where state = 'waiting'");
        var ending = await Costs.UnitMeter.StartAsync(db, "digest: digested runs ended after their windows' digests went (Mode=all)");
        await WaitAsync(db, "select count(*) from workflow_runs where state = 'waiting'", n => n == 0, "digest: digested runs still waiting");
        await ending.StopAsync(digested, "run");
        var measured = $"state = 'closed' and user_id not like '{DigestsWarmUp.UserPrefix}%'";
        var windows = await ScalarAsync(db, $"select count(*) from digest_windows where {measured}");
        var counted = await ScalarAsync(db, $"select coalesce(sum((summary->>'count')::int), 0) from digest_windows where {measured}");
        Progress.Done();
        var p = new Percentiles(lateness);
        return new DigestsBenchResult(events, keys, absorbed, batchInsertCeiling, windows, counted, ends.Count, spread, p.P50, p.P99,
            lateness.Count == 0 ? double.NaN : lateness.Max(), string.Join(", ", loads));
    }

    internal static async Task PostAsync(HttpClient http, string url, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    internal static async Task<long> ScalarAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    internal static async Task WaitAsync(NpgsqlDataSource db, string sql, Func<long, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(30);
        while (true)
        {
            var n = await ScalarAsync(db, sql);
            Progress.Show($"{what}: {n:N0}");
            if (done(n)) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: stuck at {n}");
            await Task.Delay(250);
        }
    }
}
