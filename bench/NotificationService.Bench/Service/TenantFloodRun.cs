using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using NotificationService.Bench.Providers;

namespace NotificationService.Bench.Service;

public sealed record FloodWindow(string Flood, Percentiles Quiet, long QuietErrors, long FloodAccepted, long FloodRefused, long FloodOther);

public sealed record TenantFloodResult(double QuietRate, TimeSpan Duration, int Rounds, IReadOnlyList<FloodWindow> Windows)
{
    public IEnumerable<IGrouping<string, FloodWindow>> ByFlood => Windows.GroupBy(w => w.Flood);

    public static double MedianP99(IEnumerable<FloodWindow> windows)
    {
        var p = windows.Select(w => w.Quiet.P99).Order().ToArray();
        return p.Length % 2 == 1 ? p[p.Length / 2] : (p[p.Length / 2 - 1] + p[p.Length / 2]) / 2;
    }
}

/// <summary>
/// Two API replicas (Mode=api) on one database with the default per-tenant limits (send: 200/s, burst 400). A quiet
/// tenant sends at a fixed open-loop rate, alternating replicas: alone, while a flooding tenant sends from a closed
/// loop of clients to both replicas as fast as they answer, while it floods at a fixed open-loop rate, and alone again
/// (the two quiet windows show the host's drift). The quiet tenant's accept p99 in each window is the figure.
/// </summary>
public static class TenantFloodRun
{
    public const int Rounds = 3;
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""
        {"channel":"in_app","recipient":{"userId":"u1"},"content":{"subject":"Hi","body":"Hello"}}
        """);

    public static async Task<TenantFloodResult> MeasureAsync(string dll, string connectionString, TimeSpan duration, double quietRate, int floodClients, double floodRate)
    {
        Progress.Show("tenant flood: starting two API replicas");
        var env = new Dictionary<string, string> { ["RateLimits__Enabled"] = "true" };
        await using var a = await ServiceProcess.StartAsync(dll, connectionString, "api", env);
        await using var b = await ServiceProcess.StartAsync(dll, connectionString, "api", env);
        var flooder = await BenchTenant.CreateAsync(dll, connectionString);
        Uri[] replicas = [a.BaseAddress, b.BaseAddress];
        var quiet = Clients(replicas, ServiceProcess.ApiKey, 64);
        var flood = Clients(replicas, flooder.ApiKey, Math.Max(floodClients, 256));
        try
        {
            await OpenLoopAsync(quiet, quietRate, TimeSpan.FromSeconds(2), "tenant flood: warm-up", null);
            // Rounds of (alone, closed-loop flood, open-loop flood): the host's drift hits every condition alike, and
            // each condition's figure is the median of its rounds' p99s.
            var windows = new List<FloodWindow>();
            for (var round = 0; round < Rounds; round++)
            {
                windows.Add(await WindowAsync("none", quiet, quietRate, duration, null));
                windows.Add(await WindowAsync($"{floodClients} clients closed loop", quiet, quietRate, duration, counts => ClosedLoopAsync(flood, floodClients, counts)));
                windows.Add(await WindowAsync($"open loop {floodRate:N0}/s", quiet, quietRate, duration, counts => new Func<CancellationToken, Task>(
                    stop => OpenLoopAsync(flood, floodRate, duration, "flood", counts, stop))));
            }
            Progress.Done();
            return new TenantFloodResult(quietRate, duration, Rounds, windows);
        }
        finally
        {
            foreach (var http in quiet.Concat(flood)) http.Dispose();
        }
    }

    private sealed class Counts { public long Accepted, Refused, Other; }

    private static async Task<FloodWindow> WindowAsync(string label, HttpClient[] quiet, double quietRate, TimeSpan duration,
        Func<Counts, Func<CancellationToken, Task>>? flood)
    {
        var counts = new Counts();
        using var stop = new CancellationTokenSource();
        var flooding = flood is null ? Task.CompletedTask : Task.Run(() => flood(counts)(stop.Token));
        var quietCounts = new Counts();
        var latencies = await OpenLoopAsync(quiet, quietRate, duration, $"tenant flood: quiet tenant, flood {label}", quietCounts);
        stop.Cancel();
        try { await flooding; } catch (OperationCanceledException) { }
        return new FloodWindow(label, latencies, quietCounts.Refused + quietCounts.Other, counts.Accepted, counts.Refused, counts.Other);
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
            var wait = (due - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency;
            if (wait > 2) await Task.Delay(TimeSpan.FromMilliseconds(wait - 1), CancellationToken.None);
            // The quiet tenant's sends start on time (spin the last millisecond); the flood's are paced by the timer
            // alone (sends due together go together), so the generator does not spend a core spinning for it.
            if (counts is null || label != "flood") while (Stopwatch.GetTimestamp() < due) Thread.SpinWait(20);
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
