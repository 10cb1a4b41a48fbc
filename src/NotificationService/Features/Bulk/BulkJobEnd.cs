using System.Text.Json.Nodes;
using Npgsql;

using NotificationService.Features.Webhooks;

namespace NotificationService.Features.Bulk;

/// <summary>
/// How a CSV bulk job ends. `completed` commits with its `bulk_job.completed` webhook for the tenant's
/// subscribed endpoints, so a crash between them can neither lose the event nor (since the job is then
/// finished and not resumed) send it twice. `failed` keeps the reason.
/// </summary>
public sealed class BulkJobEnd(NpgsqlDataSource db, WebhookOutbox outbox, WebhookSubscriptions subscriptions)
{
    public const string EventType = "bulk_job.completed";

    public async Task CompleteAsync(BulkJobContext job, long totalRows, CancellationToken ct)
    {
        var jobId = job.JobId;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            update bulk_jobs set status = 'completed', error = null, total_rows = $2, finished_at = now(), updated_at = now()
            where id = $1 and status = 'enqueuing' and runner = $3
            returning tenant_id, coalesce((options->>'dryRun')::boolean, false), file_name, total_rows, accepted_rows, rejected_rows, duplicate_rows, finished_at
            """, conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(totalRows);
        cmd.Parameters.AddWithValue(job.Runner);
        Guid tenantId;
        JsonObject data;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return;   // cancelled, finished or taken by another runner meanwhile: nothing to announce
            tenantId = r.GetGuid(0);
            data = new JsonObject
            {
                ["jobId"] = jobId.ToString(), ["status"] = "completed", ["dryRun"] = r.GetBoolean(1), ["fileName"] = r.IsDBNull(2) ? null : r.GetString(2),
                ["totalRows"] = r.GetInt64(3), ["acceptedRows"] = r.GetInt64(4), ["rejectedRows"] = r.GetInt64(5), ["duplicateRows"] = r.GetInt64(6),
                ["finishedAt"] = r.GetFieldValue<DateTimeOffset>(7).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
            };
        }
        var published = await subscriptions.SubscribesAsync(tenantId, EventType, ct)
            && await outbox.PublishEventAsync(conn, tx, tenantId, EventType, data, ct) > 0;
        await tx.CommitAsync(ct);
        if (published) outbox.NotifyCommitted();
    }

    public async Task FailAsync(BulkJobContext job, string error, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update bulk_jobs set status = 'failed', error = $2, total_rows = processed_rows, finished_at = now(), updated_at = now()
            where id = $1 and status = 'enqueuing' and runner = $3
            """);
        cmd.Parameters.AddWithValue(job.JobId);
        cmd.Parameters.AddWithValue(error);
        cmd.Parameters.AddWithValue(job.Runner);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
