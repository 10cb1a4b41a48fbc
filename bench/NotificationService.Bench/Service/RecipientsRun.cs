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
    IReadOnlyList<EraseMeasure> Erases)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public double IdentifyPerSec => Profiles / IdentifyTime.TotalSeconds;

    public IdentifyWarmUp? WarmUp { get; init; }

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
        if (WarmUp is { } w)
            Report.Row(sb, $"bulk identify's warm-up (not in the figure above): {w.Profiles:N0} other profiles from a cold start, then {w.JitSettle.TotalSeconds:0.0} s until the JIT was idle",
                w.Profiles / w.Time.TotalSeconds, ceilings?.BatchInsertRowsPerSec, "reported apart", null);
        foreach (var erase in Erases) erase.Append(sb, ceilings?.BatchInsertRowsPerSec);
    }
}

/// <summary>The identify's warm-up: its profiles, how long they took from a cold start, and the wait for the JIT after.</summary>
public sealed record IdentifyWarmUp(long Profiles, TimeSpan Time, TimeSpan JitSettle);

/// <summary>
/// Two parts, each on a fresh database. Bulk identify: a Mode=api service takes <c>profiles</c> new profiles as
/// `POST /users/bulk` requests of 1,000 from four closed-loop clients (the ceiling's batch-insert connections); the figure is
/// profiles/s over the batch-insert ceiling. Erase: <see cref="RecipientsEraseRun"/>, in Mode=all and in Mode=api beside a
/// Mode=worker. Sizes: `--identify-profiles N`, `--erase-notifications N`.
/// </summary>
public static class RecipientsRun
{
    public const string Phase = "recipients";
    private const int RequestSize = 1000, Clients = 4, WarmUpRequests = 40;

    public static async Task<RecipientsBenchResult> MeasureAsync(string dll, Func<string, Task<string>> createDatabase, BenchOptions options)
    {
        var args = Environment.GetCommandLineArgs();
        // `--smoke` runs every step at the least size (its figures mean nothing), `--quick` at a tenth or less of the full one.
        long profiles = Arg(args, "--identify-profiles") ?? (options.Smoke ? 2_000 : options.Quick ? 50_000 : 1_000_000);
        long notifications = Arg(args, "--erase-notifications") ?? (options.Smoke ? 1_000 : options.Quick ? 10_000 : 100_000);
        var window = options.Smoke ? TimeSpan.FromSeconds(0.5) : options.Quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(5);

        var (identifyTime, identifyErrors, stored, warmUp) = await IdentifyAsync(dll, await createDatabase("recipients_identify"), profiles, options);

        var erases = new List<EraseMeasure>();
        foreach (var split in new[] { false, true })
            erases.Add(await RecipientsEraseRun.MeasureAsync(dll, await createDatabase(split ? "recipients_erase_split" : "recipients_erase"), notifications, window, split));
        return new RecipientsBenchResult(profiles, Clients, identifyTime, identifyErrors, stored, erases) { WarmUp = warmUp };
    }

    /// <summary>
    /// The measured identify, after a warm-up of its own: <see cref="WarmUpRequests"/> requests of other userIds (so the
    /// measured ones still create), then a wait until the service's tiered JIT is idle. Until 2026-11-25 the warm-up was
    /// one request per client and the JIT was still compiling through the measured window: `perf` showed the array
    /// writes of the upsert running as unoptimized tier-0 code and the JIT thread at 8 % of the host's CPU.
    /// </summary>
    private static async Task<(TimeSpan Time, long Errors, long Stored, IdentifyWarmUp WarmUp)> IdentifyAsync(string dll, string cs, long profiles,
        BenchOptions options)
    {
        await using var service = await ServiceProcess.StartAsync(dll, cs, "api");
        using var http = Client(service.BaseAddress);
        var requests = (int)((profiles + RequestSize - 1) / RequestSize);
        var warm = Stopwatch.StartNew();
        var warmRequests = options.Smoke ? Clients : WarmUpRequests;
        await RunRequestsAsync(http, warmRequests, r => Body(r, (long)warmRequests * RequestSize, "warm-"), "bulk identify: warm-up (not in the figure)");
        var warmTime = warm.Elapsed;
        var settle = await service.WaitJitSettledAsync(options.JitSettleTimeout);
        await using var db = NpgsqlDataSource.Create(cs);
        var cost = await Costs.UnitMeter.StartAsync(db, "recipients: bulk identify (Mode=api)");
        var sw = Stopwatch.StartNew();
        var errors = await RunRequestsAsync(http, requests, r => Body(r, profiles, "user-"), "bulk identify");
        var elapsed = sw.Elapsed;
        await cost.StopAsync(profiles, "profile identified");
        await using var count = db.CreateCommand("select count(*) from recipient_profiles where user_id like 'user-%'");
        return (elapsed, errors, (long)(await count.ExecuteScalarAsync())!, new IdentifyWarmUp((long)warmRequests * RequestSize, warmTime, settle));
    }

    /// <summary>The requests 0 … n-1 from <see cref="Clients"/> closed-loop clients; the failed ones counted.</summary>
    private static async Task<long> RunRequestsAsync(HttpClient http, int requests, Func<int, string> body, string label)
    {
        var next = -1;
        long errors = 0;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            for (int request; (request = Interlocked.Increment(ref next)) < requests;)
            {
                using var response = await http.PostAsync("/api/v1/services/users/bulk", Json(body(request)));
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref errors);
                if (request % 100 == 0) Progress.Show($"{label}: request {request:N0}/{requests:N0}");
            }
        }));
        return errors;
    }

    private static string Body(int request, long profiles, string prefix)
    {
        var sb = new StringBuilder("{\"users\":[");
        var first = (long)request * RequestSize;
        for (var i = first; i < Math.Min(first + RequestSize, profiles); i++)
        {
            if (i > first) sb.Append(',');
            sb.Append(CultureInfo.InvariantCulture, $"{{\"userId\":\"{prefix}{i}\",\"email\":\"user{i}@example.com\",\"name\":\"User {i}\",\"locale\":\"en\",\"data\":{{\"plan\":\"pro\",\"n\":{i}}}}}");
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

    private static long? Arg(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length && long.TryParse(args[i + 1], out var v) ? v : null;
}
