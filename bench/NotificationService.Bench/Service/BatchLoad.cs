using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace NotificationService.Bench.Service;

public sealed record BatchResult(long Recipients, long Requests, long Errors, TimeSpan Elapsed)
{
    public double RecipientsPerSec => Recipients / Elapsed.TotalSeconds;
}

/// <summary>send-batch with 1,000 recipients per request from a few concurrent clients (closed loop).</summary>
public static class BatchLoad
{
    public const int RecipientsPerRequest = 1000;

    public static async Task<BatchResult> MeasureAsync(Uri baseAddress, int clients, TimeSpan duration)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, UseProxy = false })
            { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiKey);
        long recipients = 0, requests = 0, errors = 0, next = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (clock.Elapsed < duration)
            {
                var body = Body(Interlocked.Add(ref next, RecipientsPerRequest));
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync("api/v1/services/notifications/send-batch", content);
                if (response.StatusCode == HttpStatusCode.Accepted) Interlocked.Add(ref recipients, RecipientsPerRequest);
                else Interlocked.Increment(ref errors);
                var n = Interlocked.Increment(ref requests);
                if (n % 10 == 0) Progress.Show($"batches: {Interlocked.Read(ref recipients):N0} recipients accepted ({clock.Elapsed.TotalSeconds:0}/{duration.TotalSeconds:0} s)");
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
