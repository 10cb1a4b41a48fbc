using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>One topology's erase beside accept traffic: the accept p99 of each window, quiet and while erasing.</summary>
public sealed record EraseMeasure(string Topology, long Notifications, double HalfRate, TimeSpan Window, IReadOnlyList<double> QuietP99s,
    IReadOnlyList<double> EraseP99s, TimeSpan EraseTime, long Erased, long Left, long AcceptErrors)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public void Append(StringBuilder sb, double? batchInsertCeiling)
    {
        var (quiet, erasing) = (RetentionBenchResult.Median(QuietP99s), RetentionBenchResult.Median(EraseP99s));
        string Listed(IEnumerable<double> xs) => string.Join(", ", xs.Select(x => x.ToString("0.0", Inv)));
        Report.Row(sb, $"accept p99 at half the peak ({HalfRate:N0}/s open loop, {Topology}), median of {QuietP99s.Count} quiet windows of {Window.TotalSeconds:0} s (ms; windows: {Listed(QuietP99s)})",
            quiet, null, "", null, "0.0");
        Report.Row(sb, $"accept p99 at the same rate while a user with {Notifications:N0} notifications is erased ({Topology}), median of {EraseP99s.Count} windows (ms; windows: {Listed(EraseP99s)}); ratio to quiet {erasing / quiet:0.00}",
            erasing, null, "≤ 1.2 × quiet", erasing / quiet <= 1.2 && Left == 0 && AcceptErrors == 0, "0.0");
        Report.Row(sb, $"erase ({Topology}): the user's notifications erased per second ({EraseTime.TotalSeconds:0.0} s from DELETE to completed, {Erased:N0} erased, {Left:N0} left with the user)",
            Erased / EraseTime.TotalSeconds, batchInsertCeiling, "", null);
    }
}

/// <summary>
/// Issue 31's "an erase of a user with 100,000 notifications runs beside normal traffic": on a fresh database holding the
/// user's sent notifications (UUIDv7 ids of today, as accept writes them), accept at half its peak is measured in windows,
/// eight quiet, then while `DELETE /users/{userId}` runs to completion (14–17 windows), then seven quiet again; the figure
/// is the median window p99 during the erase over the median quiet one. Until 2026-11-25 there were five quiet windows
/// (three and two), and the median of five moved 16–47 ms between runs of one build, as far as the erase's own median:
/// the ratio read 0.39–0.99 in four figures, then 1.25 and 1.24 in one run and 0.57 and 0.70 in the next. Two topologies, each on its own database: one Mode=all process
/// (the quick start's), and a Mode=api process beside a Mode=worker one (the chart's), where accept is answered by a
/// process that does not also deliver the traffic it accepts and run the erase. In Mode=all the quiet windows' p99 moved
/// 14–337 ms from one window to the next (BENCHMARKS.md, 2026-11-25): the delivery of the same traffic in the same process.
/// </summary>
public static class RecipientsEraseRun
{
    public const string EraseUser = "bench-erase-me";
    private static int QuietBefore => Waits.Rounds(8);
    private static int QuietAfter => Waits.Rounds(7);

    public static async Task<EraseMeasure> MeasureAsync(string dll, string cs, long notifications, TimeSpan window, bool split)
    {
        var env = new Dictionary<string, string> { ["Retention__Enabled"] = "false" };
        var topology = split ? "Mode=api beside a Mode=worker" : "Mode=all";
        // The worker first: each process seeds the demo tenant on start, one after the other.
        await using var worker = split ? await ServiceProcess.StartAsync(dll, cs, "worker", env) : null;
        await using var service = await ServiceProcess.StartAsync(dll, cs, split ? "api" : "all", env);
        await using var db = NpgsqlDataSource.Create(cs);
        await SeedUserAsync(db, notifications);
        var load = await HalfPeakWindows.StartAsync(service.BaseAddress, db, window, $"erase ({topology})");
        for (var i = 0; i < QuietBefore; i++) await load.WindowAsync(false, $"erase ({topology}): quiet window {i + 1}/{QuietBefore + QuietAfter}");
        using var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiKey);
        var sw = Stopwatch.StartNew();
        var deleted = await http.DeleteAsync($"/api/v1/services/users/{EraseUser}");
        if (!deleted.IsSuccessStatusCode) throw new InvalidOperationException($"erase: DELETE answered {(int)deleted.StatusCode}");
        var statusUrl = JsonNode.Parse(await deleted.Content.ReadAsStringAsync())!["statusUrl"]!.GetValue<string>();
        var completed = Task.Run(async () =>
        {
            while (true)
            {
                var status = JsonNode.Parse(await http.GetStringAsync(statusUrl))!;
                if (status["status"]!.GetValue<string>() == "completed") return (sw.Elapsed, status["counts"]?["notifications"]?.GetValue<long>() ?? 0);
                await Task.Delay(100);
            }
        });
        while (!completed.IsCompleted && load.During.Count < 60) await load.WindowAsync(true, $"erase ({topology}): erasing, window {load.During.Count + 1}");
        var (eraseTime, erased) = await completed;
        for (var i = 0; i < QuietAfter; i++) await load.WindowAsync(false, $"erase ({topology}): quiet window {QuietBefore + i + 1}/{QuietBefore + QuietAfter}");

        await using var left = db.CreateCommand($"select count(*) from notifications where recipient->>'userId' = '{EraseUser}'");
        return new EraseMeasure(topology, notifications, load.Rate, window, load.Quiet, load.During, eraseTime, erased, (long)(await left.ExecuteScalarAsync())!, load.Errors);
    }

    /// <summary>The user's sent notifications as accept and delivery leave them, UUIDv7 ids of today, 100,000 per statement.</summary>
    private static async Task SeedUserAsync(NpgsqlDataSource db, long rows)
    {
        var tenantId = await SeedSql.DemoTenantAsync(db);
        const int chunk = 100_000;
        for (long start = 0; start < rows; start += chunk)
        {
            Progress.Show($"erase: writing the user's notifications {start:N0}/{rows:N0}");
            await using var cmd = db.CreateCommand($$"""
                insert into notifications (id, tenant_id, channel, status, recipient, data, created_at, updated_at, sent_at, attempts)
                select {{SeedSql.UuidV7("(extract(epoch from now() - interval '1 hour') * 1000)::bigint + $2 + g")}},
                       $1, 'email', 'sent', '{"userId": "{{EraseUser}}"}', '{"name": "Bench User", "plan": "pro"}', now() - interval '1 hour', now(), now(), 1
                from generate_series(1, $3) g
                """);
            cmd.CommandTimeout = 600;
            cmd.Parameters.AddWithValue(tenantId);
            cmd.Parameters.AddWithValue(start);
            cmd.Parameters.AddWithValue((int)Math.Min(chunk, rows - start));
            await cmd.ExecuteNonQueryAsync();
        }
        await using var profile = db.CreateCommand($"insert into recipient_profiles (tenant_id, user_id, email, name) values ($1, '{EraseUser}', 'erase@example.com', 'Bench User')");
        profile.Parameters.AddWithValue(tenantId);
        await profile.ExecuteNonQueryAsync();
        await using var analyze = db.CreateCommand("analyze notifications");
        await analyze.ExecuteNonQueryAsync();
    }
}
