using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Tests.Shared;

namespace NotificationService.Bench.Service;

/// <summary>A tenant's deletion beside another tenant's accept: p99 of each window, the time it took, and what it left.</summary>
public sealed record TenantDeleteMeasure(long Notifications, long Profiles, double HalfRate, TimeSpan Window, IReadOnlyList<double> QuietP99s,
    IReadOnlyList<double> DeleteP99s, TimeSpan DeleteTime, long RowsDeleted, long RowsLeft, IReadOnlyList<string> SweepMatches, int ColumnsSwept, long AcceptErrors,
    long AutovacuumsDuring, IReadOnlyList<string> DeleteTables, IReadOnlyList<string> QuietWaits, IReadOnlyList<string> DeleteWaits,
    IReadOnlyList<double> PausedP99s, IReadOnlyList<string> PausedWaits, double RunningRowsPerSec)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public int FigureCount => 4;

    /// <summary>The slowest of <paramref name="p99s"/>, each with what <paramref name="about"/> says of its window.</summary>
    private static string Slowest(IReadOnlyList<double> p99s, int take, Func<int, string> about) =>
        string.Join(", ", p99s.Select((p99, i) => (p99, i)).OrderByDescending(w => w.p99).Take(take).Select(w => $"{w.p99.ToString("0.0", Inv)} {about(w.i)}"));

    private static string At<T>(IReadOnlyList<T> xs, int i) => i < xs.Count ? $"{xs[i]}" : "?";

    public void Append(StringBuilder sb)
    {
        var (quiet, deleting, paused) = (RetentionBenchResult.Median(QuietP99s), RetentionBenchResult.Median(DeleteP99s), RetentionBenchResult.Median(PausedP99s));
        string Listed(IEnumerable<double> xs) => string.Join(", ", xs.Select(x => x.ToString("0.0", Inv)));
        sb.AppendLine();
        sb.AppendLine("## Tenant deletion beside another tenant's accept");
        sb.AppendLine();
        sb.AppendLine("| measure | value | ceiling | ratio | target | met |");
        sb.AppendLine("|---|---:|---:|---:|---|---|");
        Report.Row(sb, $"accept p99 of another tenant at half the peak ({HalfRate:N0}/s open loop, Mode=all), median of {QuietP99s.Count} quiet windows of {Window.TotalSeconds:0} s (ms; windows: {Listed(QuietP99s)}; the slowest and what the service's database sessions waited on: {Slowest(QuietP99s, 3, i => $"({At(QuietWaits, i)})")})",
            quiet, null, "", null, "0.0");
        Report.Row(sb, $"the same while a tenant with {Notifications:N0} notifications, {Profiles:N0} profiles and a running workflow is deleted, median of {DeleteP99s.Count} windows (ms; windows: {Listed(DeleteP99s)}); ratio to quiet {deleting / quiet:0.00}; autovacuum runs meanwhile: {AutovacuumsDuring}; the slowest windows, the table the deletion was in and what the service's database sessions waited on: {Slowest(DeleteP99s, 5, i => $"in {At(DeleteTables, i)} ({At(DeleteWaits, i)})")}",
            deleting, null, "", null, "0.0");
        Report.Row(sb, $"the same in the windows between those, with the deletion held still between two batches (a row lock on its progress), median of {PausedP99s.Count} windows (ms; windows: {Listed(PausedP99s)}; the slowest, where Lock:transactionid is the held deletion's own session: {Slowest(PausedP99s, 3, i => $"({At(PausedWaits, i)})")}); deleting ÷ held still {deleting / paused:0.00}, window by window in the same minutes; the deletion deleted {RunningRowsPerSec:N0} rows/s in the windows it ran (none is recorded while it is held)",
            paused, null, "deleting ≤ 1.2 × held still", deleting / paused <= 1.2 && AcceptErrors == 0, "0.0");
        Report.Row(sb, $"tenant deletion: rows deleted per second ({DeleteTime.TotalSeconds:0.0} s from DELETE to completed, {RowsDeleted:N0} rows; left in tables with tenant_id: {RowsLeft:N0}; " +
            $"sweep of {ColumnsSwept} text, json and bytea columns for the tenant's id, name, addresses, userIds and content: {(SweepMatches.Count == 0 ? "no match" : string.Join(", ", SweepMatches))})",
            RowsDeleted / DeleteTime.TotalSeconds, null, "0 left, 0 matches", RowsLeft == 0 && SweepMatches.Count == 0, "N0");
    }
}

/// <summary>
/// Issue 50's acceptance: a tenant with 1,000,000 notifications, 100,000 profiles and a running workflow (rows seeded by SQL
/// as accept and identify leave them; the workflow, waiting on a day-long delay, through the API) is deleted through the
/// platform API while the demo tenant's accept runs at half its peak in windows: four to settle (not counted), six quiet, then,
/// until the deletion ends, a window with it running and one with it held still (<see cref="DeletionPause"/>), then five quiet.
/// The figure is the median window p99 while deleting over the median with it held still (and, beside it, over the quiet
/// ones); then every
/// table with `tenant_id` is counted for the tenant and the erase spec's sweep looks for its identifiers and content in
/// every text, json and bytea column. Sizes: `--delete-notifications N`, `--delete-profiles N`.
/// </summary>
public static class TenantDeleteRun
{
    public const string Phase = "tenant-delete";
    private const string Name = "Bench Leaving Tenant", Domain = "leaving-tenant.example", UserPrefix = "leaving-user-", Marker = "leaving-content-marker";
    private static int QuietBefore => Waits.Rounds(6);
    private static int QuietAfter => Waits.Rounds(5);
    private static int Settle => Waits.Rounds(4);

    public static async Task<TenantDeleteMeasure> MeasureAsync(string dll, string cs, BenchOptions options)
    {
        var args = Environment.GetCommandLineArgs();
        long notifications = Arg(args, "--delete-notifications") ?? (options.Smoke ? 2_000 : options.Quick ? 100_000 : 1_000_000);
        long profiles = Arg(args, "--delete-profiles") ?? (options.Smoke ? 200 : options.Quick ? 10_000 : 100_000);
        var window = options.Smoke ? TimeSpan.FromSeconds(0.5) : options.Quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(5);
        var env = new Dictionary<string, string>
        {
            ["Retention__Enabled"] = "false", ["Tenants__DeleteSettleSeconds"] = "0",
        };
        await using var service = await ServiceProcess.StartAsync(dll, cs, "all", env);
        await using var db = NpgsqlDataSource.Create(cs);
        using var platform = Client(service.BaseAddress, ServiceProcess.PlatformKey);
        var created = await Providers.BenchTenant.CreateAsync(service.BaseAddress, Name);
        var tenantId = created.TenantId;
        using var tenant = Client(service.BaseAddress, created.ApiKey);
        await SeedAsync(db, tenantId, notifications, profiles);

        var load = await HalfPeakWindows.StartAsync(service.BaseAddress, db, window, "tenant delete");
        await StartWorkflowAsync(tenant);   // after the peak's drain, which would wait for the run's day-long delay
        // Not counted: the first windows after the peak and the seed ran up to 330 ms (16 ms after the deletion), a quiet
        // figure that made any deletion look gentle.
        for (var i = 0; i < Settle; i++) await load.SettleAsync($"tenant delete: settling {i + 1}/{Settle}");
        await using var waits = WaitWatch.Start(db);
        load.Waits = waits;
        for (var i = 0; i < QuietBefore; i++) await load.WindowAsync(false, $"tenant delete: quiet window {i + 1}/{QuietBefore + QuietAfter}");
        var autovacuums = await AutovacuumsAsync(db);
        var sw = Stopwatch.StartNew();
        var deleted = await platform.DeleteAsync($"/api/v1/platform/tenants/{tenantId}");
        if (!deleted.IsSuccessStatusCode) throw new InvalidOperationException($"tenant delete: DELETE answered {(int)deleted.StatusCode}");
        var statusUrl = JsonNode.Parse(await deleted.Content.ReadAsStringAsync())!["statusUrl"]!.GetValue<string>();
        string? table = null;   // the table the deletion is in, as its status says
        long rows = 0;          // … and the rows it has deleted so far
        var completed = Task.Run(async () =>
        {
            while (true)
            {
                var status = JsonNode.Parse(await platform.GetStringAsync(statusUrl))!;
                table = status["currentTable"]?.GetValue<string>() ?? table;
                Volatile.Write(ref rows, status["rowsDeleted"]!.GetValue<long>());
                if (status["status"]!.GetValue<string>() == "completed") return (sw.Elapsed, status["rowsDeleted"]!.GetValue<long>());
                await Task.Delay(100);
            }
        });
        // Windows with the deletion running alternate with windows with it held still: quiet windows minutes before and after
        // have read from half to twice the deletion's on this disk (its WAL flushes stall both alike), pairs share the minutes.
        var deletionId = Guid.Parse(statusUrl[(statusUrl.LastIndexOf('/') + 1)..]);
        var tables = new List<string>();
        long runningRows = 0;
        // At smoke size two pairs show that every step runs; the deletion then finishes unwatched (the pairs had the
        // service accepting at half its peak for the whole deletion: 20-odd windows, most of the phase's CPU).
        var pairs = options.Smoke ? 2 : 120;
        while (!completed.IsCompleted && load.During.Count < pairs)
        {
            var before = Volatile.Read(ref rows);
            await load.WindowAsync(true, $"tenant delete: deleting, window {load.During.Count + 1}");
            runningRows += Volatile.Read(ref rows) - before;
            tables.Add(Volatile.Read(ref table) ?? "?");
            if (completed.IsCompleted) break;
            await using (await DeletionPause.HoldAsync(db, deletionId))
                await load.PausedWindowAsync($"tenant delete: deletion held still, window {load.Paused.Count + 1}");
        }
        var (deleteTime, rowsDeleted) = await completed;
        autovacuums = await AutovacuumsAsync(db) - autovacuums;
        for (var i = 0; i < QuietAfter; i++) await load.WindowAsync(false, $"tenant delete: quiet window {QuietBefore + i + 1}/{QuietBefore + QuietAfter}");

        Progress.Show("tenant delete: counting what is left and sweeping every column");
        var left = await RowsLeftAsync(db, tenantId);
        var columns = await DatabaseSweep.ColumnsAsync(db);
        var matches = new List<string>();
        foreach (var value in new[] { tenantId.ToString(), Name, Domain, UserPrefix, Marker })
            matches.AddRange((await DatabaseSweep.WhereStoredAsync(db, columns, value)).Select(c => $"{value} in {c}"));
        return new TenantDeleteMeasure(notifications, profiles, load.Rate, window, load.Quiet, load.During, deleteTime, rowsDeleted, left, matches, columns.Count, load.Errors, autovacuums, tables,
            load.QuietWaits, load.DuringWaits, load.Paused, load.PausedWaits, runningRows / (load.During.Count * window.TotalSeconds));
    }

    /// <summary>Autovacuum runs so far on every table: the dead rows a deletion leaves are vacuumed beside the load too.</summary>
    private static async Task<long> AutovacuumsAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("select coalesce(sum(autovacuum_count), 0)::bigint from pg_stat_user_tables");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>A published workflow whose run for one of the tenant's users waits on a day-long delay: a run in progress.</summary>
    private static async Task StartWorkflowAsync(HttpClient tenant)
    {
        var template = await PostAsync(tenant, "/api/v1/admin/templates",
            """{"key":"note","channel":"in_app","locale":"en","parts":{"title":"Note","body":"MARKER"}}""".Replace("MARKER", Marker));
        await PostAsync(tenant, $"/api/v1/admin/templates/{template["id"]}/publish", "{}");
        await PostAsync(tenant, "/api/v1/admin/workflows",
            """{"key":"later","name":"Later","steps":[{"id":"d","type":"delay","for":"P1D"},{"id":"a","type":"send","channel":"in_app","template":"note"}]}""");
        await PostAsync(tenant, "/api/v1/admin/workflows/later/publish", "{}");
        await PostAsync(tenant, "/api/v1/services/workflows/later/trigger", """{"recipients":["USER"],"data":{"msg":"MARKER"}}""".Replace("USER", UserPrefix + "0").Replace("MARKER", Marker));
    }

    /// <summary>The tenant's sent notifications and its profiles, as accept, delivery and identify leave them, 100,000 per statement.</summary>
    private static async Task SeedAsync(NpgsqlDataSource db, Guid tenantId, long notifications, long profiles)
    {
        const int chunk = 100_000;
        for (long start = 0; start < notifications; start += chunk)
        {
            Progress.Show($"tenant delete: writing the tenant's notifications {start:N0}/{notifications:N0}");
            await using var cmd = db.CreateCommand($$"""
                insert into notifications (id, tenant_id, channel, status, recipient, data, created_at, updated_at, sent_at, attempts)
                select {{SeedSql.UuidV7("(extract(epoch from now() - interval '1 hour') * 1000)::bigint + $2 + g")}},
                       $1, 'email', 'sent', jsonb_build_object('userId', '{{UserPrefix}}' || (($2 + g) % $4), 'email', '{{UserPrefix}}' || (($2 + g) % $4) || '@{{Domain}}'),
                       '{"note": "{{Marker}}"}', now() - interval '1 hour', now(), now(), 1
                from generate_series(1, $3) g
                """);
            cmd.CommandTimeout = 600;
            cmd.Parameters.AddWithValue(tenantId);
            cmd.Parameters.AddWithValue(start);
            cmd.Parameters.AddWithValue((int)Math.Min(chunk, notifications - start));
            cmd.Parameters.AddWithValue(Math.Max(1, profiles));
            await cmd.ExecuteNonQueryAsync();
        }
        Progress.Show($"tenant delete: writing the tenant's {profiles:N0} profiles");
        await using (var cmd = db.CreateCommand($$"""
            insert into recipient_profiles (tenant_id, user_id, email, name, data)
            select $1, '{{UserPrefix}}' || g, '{{UserPrefix}}' || g || '@{{Domain}}', 'Leaving User ' || g, '{"note": "{{Marker}}"}'
            from generate_series(0, $2 - 1) g
            on conflict do nothing
            """))
        {
            cmd.CommandTimeout = 600;
            cmd.Parameters.AddWithValue(tenantId);
            cmd.Parameters.AddWithValue(profiles);
            await cmd.ExecuteNonQueryAsync();
        }
        // Vacuumed and checkpointed before the quiet windows: otherwise their first reads set the million rows' hint bits
        // and the checkpoint writes them out under the load, and the quiet windows measured the seed's aftermath (the first
        // five up to 265 ms against 11-13 ms after the deletion).
        foreach (var sql in new[] { "vacuum analyze notifications", "vacuum analyze recipient_profiles", "checkpoint" })
        {
            await using var cmd = db.CreateCommand(sql);
            cmd.CommandTimeout = 600;
            await cmd.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The tenant's rows in every table that has a `tenant_id` column (found in the catalog), and its tenants row.</summary>
    private static async Task<long> RowsLeftAsync(NpgsqlDataSource db, Guid tenantId)
    {
        var tables = new List<string>();
        await using (var cmd = db.CreateCommand("""
            select c.table_name from information_schema.columns c
            join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
            where c.table_schema = 'public' and c.column_name = 'tenant_id'
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) tables.Add(r.GetString(0));
        long left = 0;
        foreach (var table in tables.Append("tenants"))
        {
            await using var cmd = db.CreateCommand($"select count(*) from \"{table}\" where {(table == "tenants" ? "id" : "tenant_id")} = $1");
            cmd.CommandTimeout = 600;
            cmd.Parameters.AddWithValue(tenantId);
            left += (long)(await cmd.ExecuteScalarAsync())!;
        }
        return left;
    }

    private static async Task<JsonNode> PostAsync(HttpClient http, string url, string body)
    {
        var response = await http.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"tenant delete: POST {url} answered {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static HttpClient Client(Uri baseAddress, string key)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    private static long? Arg(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length && long.TryParse(args[i + 1], out var v) ? v : null;
}
