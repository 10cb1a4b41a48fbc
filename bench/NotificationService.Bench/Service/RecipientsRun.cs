using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Bench.Ceilings;

namespace NotificationService.Bench.Service;

/// <summary>Issue 31's figures: bulk identify throughput, and an erase of a big user beside accept traffic.</summary>
public sealed record RecipientsBenchResult(long Profiles, int Clients, TimeSpan IdentifyTime, long IdentifyErrors, long ProfilesStored,
    long EraseNotifications, double HalfRate, TimeSpan Window, IReadOnlyList<double> QuietP99s, IReadOnlyList<double> EraseP99s, TimeSpan EraseTime,
    long Erased, long Left, long AcceptErrors)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public double IdentifyPerSec => Profiles / IdentifyTime.TotalSeconds;

    public void Append(StringBuilder sb, CeilingResults? ceilings)
    {
        sb.AppendLine();
        sb.AppendLine("## Recipients (issue 31): bulk identify and erase");
        sb.AppendLine();
        sb.AppendLine("| figure | value | ceiling | ratio | target | |");
        sb.AppendLine("|---|---:|---:|---:|---|---|");
        var ratio = ceilings is { } c ? IdentifyPerSec / c.BatchInsertRowsPerSec : double.NaN;
        Report.Row(sb, $"bulk identify: profiles/s, {Profiles:N0} profiles in requests of 1,000 from {Clients} clients (Mode=api; {IdentifyErrors:N0} failed requests, {ProfilesStored:N0} stored)",
            IdentifyPerSec, ceilings?.BatchInsertRowsPerSec, "≥ 0.25 × batch-insert rows/s", ratio >= 0.25 && IdentifyErrors == 0 && ProfilesStored == Profiles);
        var (quiet, erasing) = (RetentionBenchResult.Median(QuietP99s), RetentionBenchResult.Median(EraseP99s));
        string Listed(IEnumerable<double> xs) => string.Join(", ", xs.Select(x => x.ToString("0.0", Inv)));
        Report.Row(sb, $"accept p99 at half the peak ({HalfRate:N0}/s open loop, Mode=all), median of {QuietP99s.Count} quiet windows of {Window.TotalSeconds:0} s (ms; windows: {Listed(QuietP99s)})",
            quiet, null, "", null, "0.0");
        Report.Row(sb, $"accept p99 at the same rate while a user with {EraseNotifications:N0} notifications is erased, median of {EraseP99s.Count} windows (ms; windows: {Listed(EraseP99s)}); ratio to quiet {erasing / quiet:0.00}",
            erasing, null, "≤ 1.2 × quiet", erasing / quiet <= 1.2 && Left == 0 && AcceptErrors == 0, "0.0");
        Report.Row(sb, $"erase: the user's notifications erased per second ({EraseTime.TotalSeconds:0.0} s from DELETE to completed, {Erased:N0} erased, {Left:N0} left with the user)",
            Erased / EraseTime.TotalSeconds, ceilings?.BatchInsertRowsPerSec, "", null);
    }
}

/// <summary>
/// Two parts, each on a fresh database. Bulk identify: a Mode=api service takes <c>profiles</c> new profiles as
/// `POST /users/bulk` requests of 1,000 from four closed-loop clients (the ceiling's batch-insert connections); the figure is
/// profiles/s over the batch-insert ceiling. Erase: a Mode=all service (retention off) holds one user's <c>notifications</c>
/// sent notifications (UUIDv7 ids of today, as accept writes them); accept at half its peak is measured in windows, three
/// quiet, then while `DELETE /users/{userId}` runs to completion, then two quiet again; the figure is the median window p99
/// during the erase over the median quiet one. Sizes: `--identify-profiles N`, `--erase-notifications N`.
/// </summary>
public static class RecipientsRun
{
    public const string Phase = "recipients";
    private const int RequestSize = 1000, Clients = 4;
    private const string EraseUser = "bench-erase-me";

    public static async Task<RecipientsBenchResult> MeasureAsync(string dll, Func<string, Task<string>> createDatabase, BenchOptions options)
    {
        var args = Environment.GetCommandLineArgs();
        // `--smoke` runs every step at the least size (its figures mean nothing), `--quick` at a tenth or less of the full one.
        long profiles = Arg(args, "--identify-profiles") ?? (options.Smoke ? 2_000 : options.Quick ? 50_000 : 1_000_000);
        long notifications = Arg(args, "--erase-notifications") ?? (options.Smoke ? 1_000 : options.Quick ? 10_000 : 100_000);
        var window = options.Smoke ? TimeSpan.FromSeconds(0.5) : options.Quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(5);

        var (identifyTime, identifyErrors, stored) = await IdentifyAsync(dll, await createDatabase("recipients_identify"), profiles);

        var cs = await createDatabase("recipients_erase");
        await using var service = await ServiceProcess.StartAsync(dll, cs, "all", new Dictionary<string, string> { ["Retention__Enabled"] = "false" });
        await using var db = NpgsqlDataSource.Create(cs);
        await SeedUserAsync(db, notifications);
        var peak = await AcceptLoad.ClosedLoopAsync(service.BaseAddress, BenchOptions.AcceptClients, window, "erase: peak accept");
        await QueueWatch.WaitDrainedAsync(db, TimeSpan.FromSeconds(180), "erase: draining after the peak");
        var half = Math.Max(1, Math.Round(peak.AcceptedPerSec / 2));
        var (quiet, during) = (new List<double>(), new List<double>());
        long errors = 0;
        async Task WindowAsync(List<double> into, string label)
        {
            var r = await AcceptLoad.OpenLoopAsync(service.BaseAddress, half, window, label);
            into.Add(r.LatencyMs.P99);
            errors += r.Errors;
        }

        for (var i = 0; i < 3; i++) await WindowAsync(quiet, $"erase: quiet window {i + 1}/3 at {half:N0}/s");
        using var http = Client(service.BaseAddress);
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
        while (!completed.IsCompleted && during.Count < 60) await WindowAsync(during, $"erase: erasing, window {during.Count + 1} at {half:N0}/s");
        var (eraseTime, erased) = await completed;
        for (var i = 0; i < 2; i++) await WindowAsync(quiet, $"erase: quiet window {i + 4}/5 at {half:N0}/s");

        await using var left = db.CreateCommand($"select count(*) from notifications where recipient->>'userId' = '{EraseUser}'");
        return new RecipientsBenchResult(profiles, Clients, identifyTime, identifyErrors, stored, notifications, half, window, quiet, during, eraseTime, erased,
            (long)(await left.ExecuteScalarAsync())!, errors);
    }

    private static async Task<(TimeSpan Time, long Errors, long Stored)> IdentifyAsync(string dll, string cs, long profiles)
    {
        await using var service = await ServiceProcess.StartAsync(dll, cs, "api");
        using var http = Client(service.BaseAddress);
        var requests = (int)((profiles + RequestSize - 1) / RequestSize);
        // Unrecorded warm-up (the process starts cold): the first requests, sent again when measured (they then update).
        await Task.WhenAll(Enumerable.Range(0, Math.Min(Clients, requests)).Select(r => http.PostAsync("/api/v1/services/users/bulk", Json(Body(r, profiles)))));
        var next = -1;
        long errors = 0;
        await using var db = NpgsqlDataSource.Create(cs);
        var cost = await Costs.UnitMeter.StartAsync(db, "recipients: bulk identify (Mode=api)");
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            for (int request; (request = Interlocked.Increment(ref next)) < requests;)
            {
                using var response = await http.PostAsync("/api/v1/services/users/bulk", Json(Body(request, profiles)));
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                if (request % 100 == 0) Progress.Show($"bulk identify: request {request:N0}/{requests:N0}");
            }
        }));
        var elapsed = sw.Elapsed;
        await cost.StopAsync(profiles, "profile identified");
        await using var count = db.CreateCommand("select count(*) from recipient_profiles");
        return (elapsed, errors, (long)(await count.ExecuteScalarAsync())!);
    }

    private static string Body(int request, long profiles)
    {
        var sb = new StringBuilder("{\"users\":[");
        var first = (long)request * RequestSize;
        for (var i = first; i < Math.Min(first + RequestSize, profiles); i++)
        {
            if (i > first) sb.Append(',');
            sb.Append(CultureInfo.InvariantCulture, $"{{\"userId\":\"user-{i}\",\"email\":\"user{i}@example.com\",\"name\":\"User {i}\",\"locale\":\"en\",\"data\":{{\"plan\":\"pro\",\"n\":{i}}}}}");
        }
        return sb.Append("]}").ToString();
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static HttpClient Client(Uri baseAddress)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiKey);
        return http;
    }

    /// <summary>The user's sent notifications as accept and delivery leave them, UUIDv7 ids of today, 100,000 per statement.</summary>
    private static async Task SeedUserAsync(NpgsqlDataSource db, long rows)
    {
        await using var tenant = db.CreateCommand("select tenant_id from service_accounts order by created_at limit 1");
        var tenantId = (Guid)(await tenant.ExecuteScalarAsync())!;
        const int chunk = 100_000;
        for (long start = 0; start < rows; start += chunk)
        {
            Progress.Show($"erase: writing the user's notifications {start:N0}/{rows:N0}");
            await using var cmd = db.CreateCommand($$"""
                insert into notifications (id, tenant_id, channel, status, recipient, data, created_at, updated_at, sent_at, attempts)
                select encode(overlay(uuid_send(gen_random_uuid()) placing
                              substring(int8send((extract(epoch from now() - interval '1 hour') * 1000)::bigint + $2 + g) from 3 for 6)
                              from 1 for 6), 'hex')::uuid,
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

    private static long? Arg(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length && long.TryParse(args[i + 1], out var v) ? v : null;
}
