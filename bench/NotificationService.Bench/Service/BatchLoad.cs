using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Npgsql;

namespace NotificationService.Bench.Service;

public sealed record BatchResult(long Recipients, long Requests, long Errors, TimeSpan Elapsed)
{
    public double RecipientsPerSec => Recipients / Elapsed.TotalSeconds;
}

/// <summary>send-batch with 1,000 recipients per request from a few concurrent clients (closed loop).</summary>
public static class BatchLoad
{
    public const int RecipientsPerRequest = 1000;

    /// <param name="warmUp">Unrecorded load first: a fresh process runs tier-0 code and JITs for its first half minute
    /// (in perf profiles the tiered-compilation thread took 12 % of the service's CPU in its first 10 s and still 23 %
    /// 20–30 s after start), which is not the rate a running service sustains. 10 s of warm-up gave 24–33k recipients/s,
    /// 40 s gave 43–47k on the same loaded machine.</param>
    public static async Task<BatchResult> MeasureAsync(Uri baseAddress, NpgsqlDataSource db, int clients, TimeSpan duration, TimeSpan warmUp)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseProxy = false })
            { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiKey);
        long next = 0;
        await LoadAsync(http, clients, warmUp, "batches warm-up", () => Interlocked.Add(ref next, RecipientsPerRequest));
        var meter = await Costs.UnitMeter.StartAsync(db, "batches (Mode=api)");
        var result = await LoadAsync(http, clients, duration, "batches", () => Interlocked.Add(ref next, RecipientsPerRequest));
        await meter.StopAsync(result.Recipients, "recipient");
        return result;
    }

    private static async Task<BatchResult> LoadAsync(HttpClient http, int clients, TimeSpan duration, string label, Func<long> nextFirst)
    {
        long recipients = 0, requests = 0, errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                var body = Body(nextFirst());
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync("api/v1/services/notifications/send-batch", content);
                if (response.StatusCode == HttpStatusCode.Accepted) Interlocked.Add(ref recipients, RecipientsPerRequest);
                else Interlocked.Increment(ref errors);
                var n = Interlocked.Increment(ref requests);
                if (n % 10 == 0) Progress.Show($"{label}: {Interlocked.Read(ref recipients):N0} recipients accepted ({clock.Elapsed.TotalSeconds:0}/{duration.TotalSeconds:0} s)");
            }
        }));
        return new BatchResult(recipients, requests, errors, clock.Elapsed);
    }

    private static byte[] Body(long first)
    {
        var sb = new StringBuilder("""{"channel":"email","content":{"subject":"Order {{order}}","body":"Hi {{name}}"},"data":{"shop":"bench"},"recipients":[""");
        for (var i = 0; i < RecipientsPerRequest; i++)
            sb.Append(i == 0 ? "" : ",").Append("{\"email\":\"r").Append(first + i).Append("@example.com\",\"data\":{\"name\":\"R").Append(i).Append("\",\"order\":").Append(first + i).Append("}}");
        return Encoding.UTF8.GetBytes(sb.Append("]}").ToString());
    }
}
