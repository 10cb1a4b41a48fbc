using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>One closed-loop latency run: requests per second and latency percentiles (ms).</summary>
public sealed record LatencyRun(double PerSec, Percentiles Ms);

public sealed record InboxBenchResult(long Rows, int Users, int Clients, TimeSpan Duration,
    LatencyRun CountHttp, LatencyRun CountSql, LatencyRun ListHttp, LatencyRun ListSql)
{
    /// <summary>The same four loops with one client: service time without queueing for the 2 cores (see the report).</summary>
    public InboxBenchResult? OneClient { get; init; }
    public double SeedSeconds { get; init; }
    public double Load { get; init; }
}

/// <summary>
/// `unread-count` and the first page of the list for users of a large inbox: over HTTP (Mode=api, end-user tokens)
/// and, as the PostgreSQL ceiling, the statements the endpoint runs issued directly with Npgsql by as many clients.
/// Rows are seeded with SQL into this bench database only, without the notifications rows they would reference (the
/// foreign key is dropped here: reads never touch it, and 10 M sends would take the run's whole budget).
/// </summary>
public static class InboxRun
{
    private static readonly Guid Tenant = Guid.Parse("0000000d-e000-4000-8000-000000000001");   // the seeded demo tenant

    private const string Seed = """
        insert into inbox_items (notification_id, tenant_id, user_id, title, body, category, created_at, seen_at, read_at)
        select gen_random_uuid(), $1, 'u' || (g % $4), 'Title ' || g, 'Body of ' || g, case when g % 2 = 0 then 'news' else 'billing' end,
            now() - make_interval(secs => g), case when g % 3 = 0 then now() end, case when g % 5 = 0 then now() end
        from generate_series($2::bigint, $3::bigint) g
        """;

    private const string Counters = """
        insert into inbox_counters (tenant_id, user_id, unread, unseen, total, last_seq)
        select tenant_id, user_id, count(*) filter (where read_at is null), count(*) filter (where seen_at is null), count(*), 0
        from inbox_items where tenant_id = $1 group by tenant_id, user_id
        """;

    /// <summary>What `unread-count` runs: the counters and the probe for expired items still counted, one round trip.</summary>
    private const string CountRead = """
        select c.unread, c.unseen, c.total,
            exists (select 1 from inbox_items where tenant_id = $1 and user_id = $2 and expires_at <= now() and deleted_at is null)
        from (select 1) one left join inbox_counters c on c.tenant_id = $1 and c.user_id = $2
        """;

    private const string FirstPage = """
        select notification_id, title, body, created_at, read_at from inbox_items
        where tenant_id = $1 and user_id = $2 and deleted_at is null and (expires_at is null or expires_at > now())
        order by created_at desc, notification_id desc limit 21
        """;

    public static async Task<InboxBenchResult> MeasureAsync(string dll, string cs, long rows, int users, int clients, TimeSpan duration, TimeSpan jitSettle)
    {
        await using var service = await ServiceProcess.StartAsync(dll, cs, "api");
        await using var db = NpgsqlDataSource.Create(cs);
        var seedClock = Stopwatch.StartNew();
        await SeedAsync(db, rows, users);
        var seedSeconds = seedClock.Elapsed.TotalSeconds;

        using var http = new HttpClient { BaseAddress = service.BaseAddress };
        var tokens = new List<string>();
        for (var i = 0; i < Math.Min(users, 500); i++)
        {
            var req = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/services/users/u{i}/token") { Content = JsonContent.Create(new { expiresInSeconds = 3600 }) };
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiKey);
            using var res = await http.SendAsync(req);
            res.EnsureSuccessStatusCode();
            tokens.Add((await res.Content.ReadFromJsonAsync<JsonNode>())!["token"]!.GetValue<string>());
        }

        // A closed loop with more clients than cores measures queueing for the CPU as much as the service: one client
        // first (service time), then the configured count. The service warms up unrecorded and its JIT settles first.
        await LoopsAsync(http, tokens, db, clients, Waits.Seconds(3));
        await service.WaitJitSettledAsync(jitSettle);
        var one = await LoopsAsync(http, tokens, db, 1, duration);
        var load = LoadAverage.Now();
        var many = await LoopsAsync(http, tokens, db, clients, duration, metered: true);
        Progress.Done();
        return many with { Rows = rows, Users = users, OneClient = one with { Rows = rows, Users = users }, SeedSeconds = seedSeconds, Load = load };
    }

    private static async Task<InboxBenchResult> LoopsAsync(HttpClient http, List<string> tokens, NpgsqlDataSource db, int clients, TimeSpan duration,
        bool metered = false)
    {
        Progress.Show($"inbox: unread-count over HTTP, {clients} clients");
        var countHttp = await ClosedLoopAsync(metered ? (db, $"inbox unread-count (Mode=api, {clients} clients)") : null, clients, duration, async (rnd, _) =>
        {
            var i = rnd.Next(tokens.Count);
            using var req = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users/me/notifications/unread-count");
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[i]);
            using var res = await http.SendAsync(req);
            res.EnsureSuccessStatusCode();
        });
        Progress.Show("inbox: unread-count statements direct");
        var countSql = await ClosedLoopAsync(clients, duration, async (rnd, conn) =>
        {
            var user = "u" + rnd.Next(tokens.Count);
                await using var cmd = new NpgsqlCommand(CountRead, conn);
            cmd.Parameters.AddWithValue(Tenant);
            cmd.Parameters.AddWithValue(user);
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
        }, db);
        Progress.Show("inbox: first page over HTTP");
        var listHttp = await ClosedLoopAsync(metered ? (db, $"inbox first page (Mode=api, {clients} clients)") : null, clients, duration, async (rnd, _) =>
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users/me/notifications?limit=20");
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[rnd.Next(tokens.Count)]);
            using var res = await http.SendAsync(req);
            res.EnsureSuccessStatusCode();
            await res.Content.ReadAsByteArrayAsync();
        });
        Progress.Show("inbox: first page statement direct");
        var listSql = await ClosedLoopAsync(clients, duration, async (rnd, conn) =>
        {
            await using var cmd = new NpgsqlCommand(FirstPage, conn);
            cmd.Parameters.AddWithValue(Tenant);
            cmd.Parameters.AddWithValue("u" + rnd.Next(tokens.Count));
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) { }
        }, db);
        return new InboxBenchResult(0, 0, clients, duration, countHttp, countSql, listHttp, listSql);
    }

    private static async Task SeedAsync(NpgsqlDataSource db, long rows, int users)
    {
        await using (var fk = db.CreateCommand("alter table inbox_items drop constraint if exists inbox_items_notification_id_fkey")) await fk.ExecuteNonQueryAsync();
        const long chunk = 500_000;
        for (long from = 1; from <= rows; from += chunk)
        {
            Progress.Show($"inbox: seeding {Math.Min(from + chunk - 1, rows):N0} / {rows:N0} rows over {users:N0} users");
            await using var cmd = db.CreateCommand(Seed);
            cmd.CommandTimeout = 0;
            cmd.Parameters.AddWithValue(Tenant);
            cmd.Parameters.AddWithValue(from);
            cmd.Parameters.AddWithValue(Math.Min(from + chunk - 1, rows));
            cmd.Parameters.AddWithValue(users);
            await cmd.ExecuteNonQueryAsync();
        }
        await using (var counters = db.CreateCommand(Counters)) { counters.CommandTimeout = 0; counters.Parameters.AddWithValue(Tenant); await counters.ExecuteNonQueryAsync(); }
        await using (var analyze = db.CreateCommand("analyze inbox_items; analyze inbox_counters")) { analyze.CommandTimeout = 0; await analyze.ExecuteNonQueryAsync(); }
    }

    private static Task<LatencyRun> ClosedLoopAsync(int clients, TimeSpan duration, Func<Random, NpgsqlConnection?, Task> call, NpgsqlDataSource? db = null) =>
        ClosedLoopAsync(null, clients, duration, call, db);

    /// <param name="cost">Measure the loop's cost per request (warm-up included: a little more than the figure's window).</param>
    private static async Task<LatencyRun> ClosedLoopAsync((NpgsqlDataSource Db, string Phase)? cost, int clients, TimeSpan duration,
        Func<Random, NpgsqlConnection?, Task> call, NpgsqlDataSource? db = null)
    {
        var meter = cost is { } c ? await Costs.UnitMeter.StartAsync(c.Db, c.Phase) : null;
        long calls = 0;
        // A short warm-up outside the measured window (JIT, connection pools, plan caches).
        var warm = DateTime.UtcNow + Waits.Seconds(2);
        var end = warm + duration;
        var samples = new List<double>[clients];
        var loops = Enumerable.Range(0, clients).Select(async c =>
        {
            var rnd = new Random(c);
            samples[c] = [];
            await using var conn = db is null ? null : await db.OpenConnectionAsync();
            while (DateTime.UtcNow < end)
            {
                var started = Stopwatch.GetTimestamp();
                await call(rnd, conn);
                Interlocked.Increment(ref calls);
                if (DateTime.UtcNow >= warm) samples[c].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }).ToList();
        await Task.WhenAll(loops);
        if (meter is not null) await meter.StopAsync(Interlocked.Read(ref calls), "request");
        var all = samples.SelectMany(s => s).ToList();
        return new LatencyRun(all.Count / duration.TotalSeconds, new Percentiles(all));
    }
}

/// <summary>The inbox figures with one client (service time, no queueing for the 2 cores), beside the main rows.</summary>
public static class InboxOneClientRows
{
    public static void Append(System.Text.StringBuilder sb, InboxBenchResult one, InboxBenchResult all)
    {
        Report.Row(sb, $"inbox: seeding {all.Rows:N0} rows + counters + analyze (s; load average {all.Load:0.0} before the 1-client loops)", all.SeedSeconds, null, "", null, "0");
        Report.Row(sb, "unread-count over HTTP, 1 client closed loop (requests/s; ceiling: its statement direct, 1 client)", one.CountHttp.PerSec, one.CountSql.PerSec, "", null);
        Report.Row(sb, "unread-count HTTP p99, 1 client (ms)", one.CountHttp.Ms.P99, null, "≤ 10 ms", one.CountHttp.Ms.P99 <= 10, "0.00");
        Report.Row(sb, "unread-count statement p99, direct, 1 client (ms)", one.CountSql.Ms.P99, null, "≤ 2 ms", one.CountSql.Ms.P99 <= 2, "0.00");
        Report.Row(sb, "first page HTTP p99, 1 client (ms)", one.ListHttp.Ms.P99, null, "≤ 10 ms", one.ListHttp.Ms.P99 <= 10, "0.00");
        Report.Row(sb, "first page statement p99, direct, 1 client (ms)", one.ListSql.Ms.P99, null, "", null, "0.00");
    }
}
