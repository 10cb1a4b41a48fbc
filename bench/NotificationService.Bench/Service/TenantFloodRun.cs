using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using NotificationService.Bench.Providers;

namespace NotificationService.Bench.Service;

public sealed record TenantFloodResult(double QuietRate, Percentiles QuietAlone, Percentiles QuietDuringFlood, long QuietErrors,
    int FloodClients, long FloodAccepted, long FloodRefused, long FloodOther, TimeSpan Duration)
{
    public double P99Ratio => QuietDuringFlood.P99 / QuietAlone.P99;
}

/// <summary>
/// Two API replicas (Mode=api) on one database with the default per-tenant limits. A quiet tenant sends at a fixed
/// open-loop rate, alternating replicas, first alone and then while a flooding tenant sends from a closed loop of
/// clients to both replicas as fast as they answer. The quiet tenant's accept p99 is compared between the two.
/// </summary>
public static class TenantFloodRun
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""
        {"channel":"in_app","recipient":{"userId":"u1"},"content":{"subject":"Hi","body":"Hello"}}
        """);

    public static async Task<TenantFloodResult> MeasureAsync(string dll, string connectionString, TimeSpan duration, double quietRate, int floodClients)
    {
        Progress.Show("tenant flood: starting two API replicas");
        var env = new Dictionary<string, string> { ["RateLimits__Enabled"] = "true" };
        await using var a = await ServiceProcess.StartAsync(dll, connectionString, "api", env);
        await using var b = await ServiceProcess.StartAsync(dll, connectionString, "api", env);
        var flooder = await BenchTenant.CreateAsync(dll, connectionString);
        Uri[] replicas = [a.BaseAddress, b.BaseAddress];
        using var quiet = Clients(replicas, ServiceProcess.ApiKey, 64);
        using var flood = Clients(replicas, flooder.ApiKey, floodClients);

        await QuietAsync(quiet, quietRate, TimeSpan.FromSeconds(2), "tenant flood: warm-up");
        var alone = await QuietAsync(quiet, quietRate, duration, "tenant flood: quiet tenant alone");

        long accepted = 0, refused = 0, other = 0;
        using var stop = new CancellationTokenSource();
        var flooding = Enumerable.Range(0, floodClients).Select(i => Task.Run(async () =>
        {
            var http = flood[i % 2];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await http.PostAsync("api/v1/services/notifications/send", Content(), stop.Token);
                    _ = response.StatusCode switch
                    {
                        HttpStatusCode.Accepted => Interlocked.Increment(ref accepted),
                        HttpStatusCode.TooManyRequests => Interlocked.Increment(ref refused),
                        _ => Interlocked.Increment(ref other),
                    };
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
                catch (HttpRequestException) { Interlocked.Increment(ref other); }
            }
        })).ToArray();
        var during = await QuietAsync(quiet, quietRate, duration, "tenant flood: quiet tenant during the flood");
        stop.Cancel();
        await Task.WhenAll(flooding);
        Progress.Done();
        return new TenantFloodResult(quietRate, alone.Latencies, during.Latencies, alone.Errors + during.Errors, floodClients, accepted, refused, other, duration);
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
    private static async Task<(Percentiles Latencies, long Errors)> QuietAsync(HttpClient[] replicas, double rate, TimeSpan duration, string label)
    {
        var total = (int)Math.Round(rate * duration.TotalSeconds);
        var latencies = new ConcurrentBag<double>();
        long errors = 0;
        var inflight = new List<Task>(total);
        var origin = Stopwatch.GetTimestamp();
        var ticksPerSend = Stopwatch.Frequency / rate;
        for (var i = 0; i < total; i++)
        {
            var due = origin + (long)(i * ticksPerSend);
            var wait = (due - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency;
            if (wait > 2) await Task.Delay(TimeSpan.FromMilliseconds(wait - 1));
            while (Stopwatch.GetTimestamp() < due) Thread.SpinWait(20);
            var http = replicas[i % replicas.Length];
            inflight.Add(Task.Run(async () =>
            {
                try
                {
                    using var response = await http.PostAsync("api/v1/services/notifications/send", Content());
                    if (response.StatusCode != HttpStatusCode.Accepted) Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException) { Interlocked.Increment(ref errors); }
                latencies.Add((Stopwatch.GetTimestamp() - due) * 1000.0 / Stopwatch.Frequency);
            }));
            if (i % 100 == 0) Progress.Show($"{label}: {i:N0}/{total:N0}");
        }
        await Task.WhenAll(inflight);
        return (new Percentiles(latencies), errors);
    }
}
