using System.Runtime.CompilerServices;
using System.Text.Json;
using NotificationService.Client.Http;

namespace NotificationService.Client;

/// <summary>Sends and their statuses, batches, CSV jobs and fan-outs (<c>/api/v1/services/notifications</c>).</summary>
public class NotificationsClient
{
    private const string Base = "api/v1/services/notifications";
    private readonly ApiTransport _api = null!;

    /// <summary>For mocking frameworks.</summary>
    protected NotificationsClient() { }

    internal NotificationsClient(ApiTransport api) => _api = api;

    /// <summary>
    /// Sends one notification per channel (or, to topics, starts a fan-out). Retries carry the same Idempotency-Key, so a
    /// send is never made twice; pass your own key (an order id, a sign-up id) to make repeats of your own call safe too.
    /// </summary>
    [ApiOperation("POST /api/v1/services/notifications/send")]
    public virtual async Task<SendResult> SendAsync(SendRequest request, string? idempotencyKey = null,
        CancellationToken cancellationToken = default)
    {
        var answer = await _api.SendAsync(HttpMethod.Post, $"{Base}/send", ApiTransport.Json(request, ClientJson.Default.SendRequest),
            idempotencyKey, cancellationToken).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(answer.Body);
        if (doc.RootElement.ValueKind == JsonValueKind.Array)
            return new SendResult { Notifications = answer.Read(ClientJson.Default.ListAcceptedNotification), Replayed = answer.Replayed };
        if (doc.RootElement.TryGetProperty("topics", out _))
            return new SendResult { FanOut = answer.Read(ClientJson.Default.FanOutAccepted), Replayed = answer.Replayed };
        return new SendResult { Notifications = [answer.Read(ClientJson.Default.AcceptedNotification)], Replayed = answer.Replayed };
    }

    /// <summary>A notification's status and history.</summary>
    [ApiOperation("GET /api/v1/services/notifications/{id}")]
    public virtual Task<Notification> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        _api.GetAsync($"{Base}/{id}", ClientJson.Default.Notification, cancellationToken);

    /// <summary>Cancels a notification no worker has claimed yet; answers it as it now stands.</summary>
    [ApiOperation("POST /api/v1/services/notifications/{id}/cancel")]
    public virtual async Task<Notification> CancelAsync(Guid id, CancellationToken cancellationToken = default) =>
        (await _api.SendAsync(HttpMethod.Post, $"{Base}/{id}/cancel", null, null, cancellationToken).ConfigureAwait(false))
            .Read(ClientJson.Default.Notification);

    /// <summary>One message to up to 1,000 recipients; those refused are listed with their errors, the others accepted.</summary>
    [ApiOperation("POST /api/v1/services/notifications/send-batch")]
    public virtual async Task<BatchAccepted> SendBatchAsync(SendBatchRequest request, string? idempotencyKey = null,
        CancellationToken cancellationToken = default)
    {
        var answer = await _api.SendAsync(HttpMethod.Post, $"{Base}/send-batch",
            ApiTransport.Json(request, ClientJson.Default.SendBatchRequest), idempotencyKey, cancellationToken).ConfigureAwait(false);
        return answer.Read(ClientJson.Default.BatchAccepted) with { Replayed = answer.Replayed };
    }

    /// <summary>More recipients for a batch (for lists longer than 1,000).</summary>
    [ApiOperation("POST /api/v1/services/notifications/send-chunk")]
    public virtual async Task<BatchAccepted> SendChunkAsync(SendChunkRequest request, string? idempotencyKey = null,
        CancellationToken cancellationToken = default)
    {
        var answer = await _api.SendAsync(HttpMethod.Post, $"{Base}/send-chunk",
            ApiTransport.Json(request, ClientJson.Default.SendChunkRequest), idempotencyKey, cancellationToken).ConfigureAwait(false);
        return answer.Read(ClientJson.Default.BatchAccepted) with { Replayed = answer.Replayed };
    }

    /// <summary>A batch's counts per status.</summary>
    [ApiOperation("GET /api/v1/services/notifications/batches/{batchId}")]
    public virtual Task<BatchStatus> GetBatchAsync(Guid batchId, CancellationToken cancellationToken = default) =>
        _api.GetAsync($"{Base}/batches/{batchId}", ClientJson.Default.BatchStatus, cancellationToken);

    /// <summary>One page of a batch's notifications (optionally of one status).</summary>
    [ApiOperation("GET /api/v1/services/notifications/batches/{batchId}/notifications")]
    public virtual Task<Page<NotificationSummary>> GetBatchNotificationsPageAsync(Guid batchId, string? status = null,
        string? cursor = null, int? limit = null, CancellationToken cancellationToken = default) =>
        _api.GetAsync(ApiTransport.Query($"{Base}/batches/{batchId}/notifications", ("status", status), ("cursor", cursor),
            ("limit", limit?.ToString())), ClientJson.Default.PageNotificationSummary, cancellationToken);

    /// <summary>Every notification of a batch, page after page as you read.</summary>
    public virtual IAsyncEnumerable<NotificationSummary> ListBatchNotificationsAsync(Guid batchId, string? status = null,
        CancellationToken cancellationToken = default) =>
        Paging.All((cursor, ct) => GetBatchNotificationsPageAsync(batchId, status, cursor, null, ct), cancellationToken);

    /// <summary>
    /// Uploads a CSV of recipients as a bulk job; <paramref name="progress"/> hears the bytes sent. A seekable stream is
    /// sent again from its start if the upload is retried.
    /// </summary>
    [ApiOperation("POST /api/v1/services/notifications/bulk/csv")]
    public virtual async Task<BulkJobAccepted> UploadCsvAsync(Stream csv, CsvSendOptions options,
        IProgress<UploadProgress>? progress = null, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        var form = new MultipartFormDataContent();
        void Field(string name, string? value) { if (value is not null) form.Add(new StringContent(value), name); }
        Field("channel", options.Channel);
        Field("template", options.Template);
        Field("locale", options.Locale);
        Field("priority", options.Priority);
        Field("mapping",
            options.Mapping is null ? null : JsonSerializer.Serialize(options.Mapping, ClientJson.Default.IReadOnlyDictionaryStringString));
        Field("dryRun", options.DryRun is { } dry ? (dry ? "true" : "false") : null);
        Field("category", options.Category);
        Field("overridePreferences", options.OverridePreferences is { } o ? (o ? "true" : "false") : null);
        form.Add(new UploadContent(csv, progress), "file", options.FileName);   // the last part, as the service reads it
        return (await _api.SendAsync(HttpMethod.Post, $"{Base}/bulk/csv", form, idempotencyKey, cancellationToken).ConfigureAwait(false))
            .Read(ClientJson.Default.BulkJobAccepted);
    }

    /// <summary>A CSV job's progress and counts.</summary>
    [ApiOperation("GET /api/v1/services/notifications/bulk/{jobId}")]
    public virtual Task<BulkJob> GetBulkJobAsync(Guid jobId, CancellationToken cancellationToken = default) =>
        _api.GetAsync($"{Base}/bulk/{jobId}", ClientJson.Default.BulkJob, cancellationToken);

    /// <summary>Polls a CSV job until it has completed, failed or been cancelled, and answers it then.</summary>
    public virtual async Task<BulkJob> WaitForBulkJobAsync(Guid jobId, TimeSpan? pollInterval = null,
        CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var job = await GetBulkJobAsync(jobId, cancellationToken).ConfigureAwait(false);
            if (job.IsFinished) return job;
            await Task.Delay(pollInterval ?? TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the rows a CSV job rejected (a CSV: record, line, error_column, error, then the row) to
    /// <paramref name="destination"/>.</summary>
    [ApiOperation("GET /api/v1/services/notifications/bulk/{jobId}/errors")]
    public virtual Task DownloadBulkJobErrorsAsync(Guid jobId, Stream destination, CancellationToken cancellationToken = default) =>
        _api.CopyToAsync($"{Base}/bulk/{jobId}/errors", destination, cancellationToken);

    /// <summary>Cancels a CSV job: rows not yet enqueued are not sent.</summary>
    [ApiOperation("POST /api/v1/services/notifications/bulk/{jobId}/cancel")]
    public virtual async Task<BulkJob> CancelBulkJobAsync(Guid jobId, CancellationToken cancellationToken = default) =>
        (await _api.SendAsync(HttpMethod.Post, $"{Base}/bulk/{jobId}/cancel", null, null, cancellationToken).ConfigureAwait(false))
            .Read(ClientJson.Default.BulkJob);

    /// <summary>A fan-out's progress (a send to topics).</summary>
    [ApiOperation("GET /api/v1/services/notifications/fan-outs/{id}")]
    public virtual Task<FanOutStatus> GetFanOutAsync(Guid id, CancellationToken cancellationToken = default) =>
        _api.GetAsync($"{Base}/fan-outs/{id}", ClientJson.Default.FanOutStatus, cancellationToken);

    /// <summary>Stops a fan-out still running: members not reached get nothing (one that has ended is a 409).</summary>
    [ApiOperation("POST /api/v1/services/notifications/fan-outs/{id}/cancel")]
    public virtual async Task<FanOutStatus> CancelFanOutAsync(Guid id, CancellationToken cancellationToken = default) =>
        (await _api.SendAsync(HttpMethod.Post, $"{Base}/fan-outs/{id}/cancel", null, null, cancellationToken).ConfigureAwait(false))
            .Read(ClientJson.Default.FanOutStatus);

    /// <summary>A live event on users' or topics' members' open streams (no inbox item, no delivery).</summary>
    [ApiOperation("POST /api/v1/services/events")]
    public virtual Task<LiveEventAccepted> PublishEventAsync(LiveEvent liveEvent, CancellationToken cancellationToken = default) =>
        _api.SendAsync(HttpMethod.Post, "api/v1/services/events", liveEvent, ClientJson.Default.LiveEvent,
            ClientJson.Default.LiveEventAccepted, null, cancellationToken);
}

/// <summary>Keyset pages read as one sequence.</summary>
internal static class Paging
{
    public static async IAsyncEnumerable<T> All<T>(Func<string?, CancellationToken, Task<Page<T>>> page,
        [EnumeratorCancellation] CancellationToken ct)
    {
        string? cursor = null;
        do
        {
            var p = await page(cursor, ct).ConfigureAwait(false);
            foreach (var item in p.Items) yield return item;
            cursor = p.NextCursor;
        } while (cursor is not null);
    }
}
