using Npgsql;

using NotificationService.Features.Sending.Webhooks;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>
/// How a CSV bulk job ends. `completed` commits with its `bulk_job.completed` webhook for the tenant's
/// subscribed endpoints, so a crash between them can neither lose the event nor (since the job is then
/// finished and not resumed) send it twice. `failed` keeps the reason.
/// </summary>
public sealed class BulkJobEnd(NpgsqlDataSource db, BulkJobStore jobs, WebhookOutbox outbox, WebhookSubscriptions subscriptions)
{
    public const string EventType = "bulk_job.completed";

    public async Task CompleteAsync(BulkJobContext job, long totalRows, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Cancelled, finished or taken by another runner meanwhile: nothing to announce.
        if (await BulkJobStore.CompleteAsync(conn, tx, job, totalRows, ct) is not var (tenantId, data)) return;
        var published = await subscriptions.SubscribesAsync(tenantId, EventType, ct)
            && await outbox.PublishEventAsync(conn, tx, tenantId, EventType, data, ct) > 0;
        await tx.CommitAsync(ct);
        if (published) outbox.NotifyCommitted();
    }

    public Task FailAsync(BulkJobContext job, string error, CancellationToken ct) => jobs.FailAsync(job, error, ct);
}
