using NotificationService.Infrastructure;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Webhooks;

/// <summary>
/// The `webhook` job: loads a batch of deliveries (one query), signs and POSTs each concurrently, logs
/// every attempt (one statement), and tells the queue: done, retry on the webhook schedule, honour
/// Retry-After on 429/503, or give up (410 Gone disables the endpoint).
/// </summary>
public sealed class WebhookJobHandler(WebhookDeliveryStore deliveries, WebhookEndpointStore endpoints, WebhookRetrySchedule schedule,
    IHttpClientFactory http, TimeProvider clock, ServiceMeter metrics) : JobHandler<WebhookJob>
{
    public const string HttpClientName = "webhooks";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(24);
    public const string GoneReason = "the endpoint answered 410 Gone";

    protected override async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<(Job Job, WebhookJob Args)> jobs,
        CancellationToken ct)
    {
        var found = await deliveries.LoadAsync(jobs.Select(j => j.Args.DeliveryId).ToArray(), ct);
        var outcomes = await Task.WhenAll(jobs.Select(j => found.TryGetValue(j.Args.DeliveryId, out var d)
            ? SendAsync(j.Job, d, ct) : Task.FromResult<(JobResult, AttemptRecord?)>((JobResult.Done, null))));
        var attempts = outcomes.Select(o => o.Item2).OfType<AttemptRecord>().ToList();
        await deliveries.RecordAsync(attempts, ct);
        foreach (var a in attempts) metrics.WebhookAttempt(WebhookOutcome(a), TimeSpan.FromMilliseconds(a.LatencyMs));
        await endpoints.DisableAsync(attempts.Where(a => a.DisableEndpoint).Select(a => a.EndpointId).ToHashSet(), GoneReason, ct);
        return outcomes.Select(o => o.Item1).ToList();
    }

    private async Task<(JobResult, AttemptRecord?)> SendAsync(Job job, PendingDelivery d, CancellationToken ct)
    {
        // Disabled (by an admin or a 410) or deleted since the event: nothing to send.
        if (!d.Enabled) return (JobResult.Done, new AttemptRecord(d.Id, d.EndpointId, null, 0, null, "endpoint disabled", "failed", false));
        using var span = JobTracing.StartJob(job); // a claim that mixed traces: the POST stays in the event's own trace
        var body = Encoding.UTF8.GetBytes(d.Payload);
        var now = clock.GetUtcNow();
        var timestamp = now.ToUnixTimeSeconds();
        var webhookId = "msg_" + d.Id.ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, d.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("webhook-id", webhookId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString());
        request.Headers.TryAddWithoutValidation("webhook-signature",
            WebhookSigner.SignAll(endpoints.SigningSecrets(d.Ciphertext, d.KeyId, d.PreviousExpiresAt, now), webhookId, timestamp, body));

        var last = job.Attempt >= job.MaxAttempts;
        var watch = Stopwatch.StartNew();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Timeout);
            using var response = await http.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var excerpt = await ExcerptAsync(response, timeout.Token);
            var ms = (int)watch.ElapsedMilliseconds;
            var code = (int)response.StatusCode;
            AttemptRecord Log(string status, string? error, bool disable = false) =>
                new(d.Id, d.EndpointId, code, ms, excerpt, error, status, disable);
            if (response.IsSuccessStatusCode) return (JobResult.Done, Log("succeeded", null));
            if (response.StatusCode == HttpStatusCode.Gone)
                return (new JobResult.Failed("410 Gone: endpoint disabled"), Log("failed", "410 Gone: endpoint disabled", true));
            var error = $"HTTP {code}";
            if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
                    && RetryAfter(response, now) is { } after)
                return (new JobResult.Retry(error, after),
                    Log(last ? "failed" : "pending", $"{error}, Retry-After {after.TotalSeconds:0} s"));
            return (Retry(job, error), Log(last ? "failed" : "pending", error));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            var error = e is TaskCanceledException ? $"timed out after {Timeout.TotalSeconds:0} s" : e.Message;
            return (Retry(job, error), new AttemptRecord(d.Id, d.EndpointId, null, (int)watch.ElapsedMilliseconds, null, error,
                last ? "failed" : "pending", false));
        }
    }

    private JobResult Retry(Job job, string error) =>
        new JobResult.Retry(error, schedule.DelayAfter(job.Attempt, Random.Shared.NextDouble()));

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var ra = response.Headers.RetryAfter;
        var after = ra?.Delta ?? (ra?.Date is { } date ? date - now : null);
        return after is { } a ? TimeSpan.FromTicks(Math.Clamp(a.Ticks, TimeSpan.FromSeconds(1).Ticks, MaxRetryAfter.Ticks)) : null;
    }

    /// <summary>The first 512 characters of the answer, for the delivery log; the rest is not read.</summary>
    private static async Task<string?> ExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[2048];
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        if (read == 0) return null;
        var text = Encoding.UTF8.GetString(buffer, 0, read);
        return text.Length > 512 ? text[..512] : text;
    }

    /// <summary>The /metrics outcome: succeeded, retrying, failed, or skipped (endpoint disabled: nothing was sent).</summary>
    private static string WebhookOutcome(AttemptRecord a) =>
        a.StatusCode is null && a.LatencyMs == 0 && a.NewStatus == "failed" ? "skipped"
            : a.NewStatus == "pending" ? "retrying" : a.NewStatus;
}
