using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Npgsql;
using NotificationService.Bench.Providers;

namespace NotificationService.Bench.Service;

/// <summary>
/// One window: the quiet tenant's latencies beside one kind of flood, what the flood got, and the CPU each party used
/// in it (seconds): this bench process (the quiet tenant's client and the flood's), both API replicas, PostgreSQL.
/// </summary>
public sealed record FloodWindow(string Flood, Percentiles Quiet, long QuietErrors, long FloodAccepted, long FloodRefused, long FloodOther,
    double Seconds, double ClientCpu, double ServiceCpu, double PostgresCpu, double Load)
{
    public long FloodSent => FloodAccepted + FloodRefused + FloodOther;
}

public sealed record TenantFloodResult(double QuietRate, TimeSpan Duration, int Rounds, int HoldRefusalsMs, IReadOnlyList<FloodWindow> Windows)
{
    public IEnumerable<IGrouping<string, FloodWindow>> ByFlood => Windows.GroupBy(w => w.Flood);

    public static double MedianP99(IEnumerable<FloodWindow> windows) => Median(windows.Select(w => w.Quiet.P99));

    public static double Median(IEnumerable<double> values)
    {
        var p = values.Order().ToArray();
        return p.Length % 2 == 1 ? p[p.Length / 2] : (p[p.Length / 2 - 1] + p[p.Length / 2]) / 2;
    }
}

/// <summary>
/// Two API replicas (Mode=api) on one database with the default per-tenant limits (send: 200/s, burst 400). A quiet
/// tenant sends at a fixed open-loop rate, alternating replicas, in rounds of four windows: alone; beside a second
/// tenant sending open loop at exactly its limit (200/s: no 429s, the load any well-behaved neighbour may bring);
/// beside it flooding from a closed loop of clients as fast as they are answered; beside it flooding open loop at
/// five times its limit. The quiet tenant's accept p99 in each window is the figure, each condition's the median of its
/// rounds. The flood's client runs in this process: its CPU is measured apart from the replicas' and PostgreSQL's.
/// `BENCH_HOLD_REFUSALS_MS` sets the replicas' RateLimits:HoldRefusalsMs (unset: the service's default, 1,000).
/// </summary>
public static class TenantFloodRun
{
    public static int Rounds => Waits.Rounds(3);
    public const double FloodLimit = 200;
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""
        {"channel":"in_app","recipient":{"userId":"u1"},"content":{"subject":"Hi","body":"Hello"}}
        """);

    public static async Task<TenantFloodResult> MeasureAsync(string dll, string connectionString, TimeSpan duration, double quietRate, int floodClients, double floodRate)
    {
        Progress.Show("tenant flood: starting two API replicas");
        var env = new Dictionary<string, string> { ["RateLimits__Enabled"] = "true" };
        var hold = Environment.GetEnvironmentVariable("BENCH_HOLD_REFUSALS_MS") is { Length: > 0 } h ? int.Parse(h) : 1000;
        env["RateLimits__HoldRefusalsMs"] = hold.ToString();
        await using var a = await ServiceProcess.StartAsync(dll, connectionString, "api", env);
        await using var b = await ServiceProcess.StartAsync(dll, connectionString, "api", env);
        await using var db = NpgsqlDataSource.Create(connectionString);
        var meter = await CpuMeter.ForAsync(a.Pid, db);
        var flooder = await BenchTenant.CreateAsync(a.BaseAddress);
        Uri[] replicas = [a.BaseAddress, b.BaseAddress];
        var quiet = Clients(replicas, ServiceProcess.ApiKey, 64);
        // Enough connections that the open-loop flood stays open while its refusals are held (rate × hold, per replica).
        var flood = Clients(replicas, flooder.ApiKey, Math.Max(floodClients, 1024));
        var window = new WindowRunner(quiet, quietRate, duration, meter, b.Pid);
        try
        {
            await OpenLoopAsync(quiet, quietRate, Waits.Seconds(2), "tenant flood: warm-up", null);
            // The host's drift hits every condition alike; each condition's figure is the median of its rounds' p99s.
            var windows = new List<FloodWindow>();
            var unitMeter = await Costs.UnitMeter.StartAsync(db, "tenant-limits (two Mode=api replicas, quiet tenant and floods)");
            for (var round = 0; round < Rounds; round++)
            {
                windows.Add(await window.RunAsync("none", null));
                windows.Add(await window.RunAsync($"at its limit, open loop {FloodLimit:N0}/s", counts => stop => OpenLoopAsync(flood, FloodLimit, duration, "flood", counts, stop)));
                windows.Add(await window.RunAsync($"{floodClients} clients closed loop", counts => ClosedLoopAsync(flood, floodClients, counts)));
                windows.Add(await window.RunAsync($"open loop {floodRate:N0}/s", counts => stop => OpenLoopAsync(flood, floodRate, duration, "flood", counts, stop)));
                await Task.Delay(Waits.Seconds(2));   // the bucket refills (burst 400 at 200/s) and held refusals drain
            }
            await unitMeter.StopAsync(windows.Sum(w => w.FloodSent + w.Quiet.Count + w.QuietErrors), "request answered (accepted or refused)");
            Progress.Done();
            return new TenantFloodResult(quietRate, duration, Rounds, hold, windows);
        }
        finally
        {
            foreach (var http in quiet.Concat(flood)) http.Dispose();
        }
    }

    private sealed class Counts { public long Accepted, Refused, Other; }

    private sealed class WindowRunner(HttpClient[] quiet, double quietRate, TimeSpan duration, CpuMeter meter, int otherReplicaPid)
    {
        public async Task<FloodWindow> RunAsync(string label, Func<Counts, Func<CancellationToken, Task>>? flood)
        {
            var counts = new Counts();
            var (before, otherBefore, started) = (meter.Sample(), CpuMeter.Process(otherReplicaPid), Stopwatch.GetTimestamp());
            using var stop = new CancellationTokenSource();
            var flooding = flood is null ? Task.CompletedTask : Task.Run(() => flood(counts)(stop.Token));
            var quietCounts = new Counts();
            var latencies = await OpenLoopAsync(quiet, quietRate, duration, $"tenant flood: quiet tenant, flood {label}", quietCounts);
            stop.Cancel();
            try { await flooding; } catch (OperationCanceledException) { }
            var (after, otherAfter, load) = (meter.Sample(), CpuMeter.Process(otherReplicaPid), LoadAverage.Now());
            return new FloodWindow(label, latencies, quietCounts.Refused + quietCounts.Other, counts.Accepted, counts.Refused, counts.Other,
                Stopwatch.GetElapsedTime(started).TotalSeconds, (after.Bench - before.Bench).TotalSeconds,
                (after.Worker - before.Worker + otherAfter - otherBefore).TotalSeconds, (after.Postgres - before.Postgres).TotalSeconds, load);
        }
    }

    private static Func<CancellationToken, Task> ClosedLoopAsync(HttpClient[] flood, int clients, Counts counts) => stop =>
        Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) await SendAsync(flood[i % flood.Length], counts, stop);
        })));

    private static async Task SendAsync(HttpClient http, Counts counts, CancellationToken ct = default)
    {
        try
        {
            using var response = await http.PostAsync("api/v1/services/notifications/send", Content(), ct);
            _ = response.StatusCode switch
            {
                HttpStatusCode.Accepted => Interlocked.Increment(ref counts.Accepted),
                HttpStatusCode.TooManyRequests => Interlocked.Increment(ref counts.Refused),
                _ => Interlocked.Increment(ref counts.Other),
            };
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (HttpRequestException) { Interlocked.Increment(ref counts.Other); }
    }

    private static HttpClient[] Clients(Uri[] replicas, string apiKey, int connections) => replicas.Select(r =>
    {
        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
            { BaseAddress = r, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return http;
    }).ToArray();

    private static ByteArrayContent Content()
    {
        var content = new ByteArrayContent(Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>Open loop: sends start on schedule whatever the answers do; latency counts from the scheduled start.</summary>
    private static async Task<Percentiles> OpenLoopAsync(HttpClient[] replicas, double rate, TimeSpan duration, string label, Counts? counts,
        CancellationToken stop = default)
    {
        var total = (int)Math.Round(rate * duration.TotalSeconds);
        var latencies = new ConcurrentBag<double>();
        var inflight = new List<Task>(total);
        var origin = Stopwatch.GetTimestamp();
        var ticksPerSend = Stopwatch.Frequency / rate;
        for (var i = 0; i < total && !stop.IsCancellationRequested; i++)
        {
            var due = origin + (long)(i * ticksPerSend);
            await OpenLoopPace.UntilAsync(due);
            var http = replicas[i % replicas.Length];
            inflight.Add(Task.Run(async () =>
            {
                await SendAsync(http, counts ?? new Counts());
                latencies.Add((Stopwatch.GetTimestamp() - due) * 1000.0 / Stopwatch.Frequency);
            }));
            if (i % 100 == 0 && counts is not null && label != "flood") Progress.Show($"{label}: {i:N0}/{total:N0}");
        }
        await Task.WhenAll(inflight);
        return new Percentiles(latencies);
    }
}
