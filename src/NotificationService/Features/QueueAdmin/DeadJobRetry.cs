using Npgsql;
using NotificationService.Features.Notifications;
using NotificationService.Queue;

namespace NotificationService.Features.QueueAdmin;

/// <summary>
/// Retrying a dead delivery job is an operator's explicit decision, so the notification goes back to
/// `queued` (the one backwards move the status machine allows) with a history row saying why.
/// </summary>
public sealed class DeadJobRetry(JobQueue queue, NpgsqlDataSource db)
{
    public async Task<DeadJob?> RetryAsync(Guid tenantId, string queueName, long jobId, CancellationToken ct)
    {
        // One transaction: a worker must never claim the job while the notification still says failed
        // (it would skip it as already final and the retry would be lost).
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var job = await queue.RetryDeadAsync(conn, tx, tenantId, queueName, jobId, ct);
        if (job is null) return null;
        if (job.Kind == NotificationWriter.DeliverKind)
        {
            await using var cmd = new NpgsqlCommand("""
                with u as (update notifications set status = 'queued', last_error = null, updated_at = now()
                           where tenant_id = $1 and id = any($2) and status in ('failed', 'sending') returning id)
                insert into notification_events (notification_id, status, source, detail)
                select id, 'queued', 'api', 'dead job retried by an admin' from u
                """, conn, tx);
            cmd.Parameters.AddWithValue(tenantId);
            cmd.Parameters.AddWithValue(DeliverArgs.Parse(job.ArgsJson));
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        queue.NotifyCommitted([queueName]);
        return job;
    }
}
