using System.Text.Json.Nodes;
using NotificationService.Contracts;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Notifications;

public sealed partial class NotificationLedger
{
    /// <summary>
    /// Cancels a notification whose delivery job no worker has claimed yet (its job, or its unit of a group job, goes in
    /// the same transaction); 409 once it is being sent or done, 404 for another tenant's id.
    /// </summary>
    public async Task CancelAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var tx = await BeginAsync(ct);
        string status, channel; long? jobId; StoredRecipient recipient; JsonObject? metadata;
        await using (var select = tx.Command(Sql.LockForCancel))
        {
            select.Parameters.AddWithValue(tenantId);
            select.Parameters.AddWithValue(id);
            await using var r = await select.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) throw new NotFoundException("The notification");
            (status, jobId, channel) = (r.GetString(0), r.IsDBNull(1) ? null : r.GetInt64(1), r.GetString(2));
            recipient = StoredRecipient.Parse(r.GetString(3));
            metadata = r.IsDBNull(4) ? null : JsonNode.Parse(r.GetString(4)) as JsonObject;
        }
        if (status == NotificationStatuses.Cancelled) throw new ConflictException("The notification is already cancelled.");
        if (NotificationStatuses.IsTerminal(status)
            || status is not (NotificationStatuses.Accepted or NotificationStatuses.Queued or NotificationStatuses.Sending))
            throw new ConflictException($"The notification can no longer be cancelled: it is already {status}.");
        if (status is not (NotificationStatuses.Accepted or NotificationStatuses.Queued) || jobId is null
            || !await queue.CancelAsync(tx.Connection, tx.Transaction, tenantId, jobId.Value, ct))
            throw new ConflictException(
                $"The notification can no longer be cancelled: a worker has already claimed it (status '{status}').");
        await using (var update = tx.Command(Sql.Cancel))
        {
            update.Parameters.AddWithValue(id);
            await update.ExecuteNonQueryAsync(ct);
        }
        await PublishAsync(tx, [new StatusChange(id, tenantId, channel, NotificationStatuses.Cancelled, status, "api", null, null,
            DateTimeOffset.UtcNow, recipient, metadata)], ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Back to `queued` (the one backwards move, an operator's explicit decision, e.g. retrying a dead job) for those of
    /// <paramref name="ids"/> that failed or were waiting for a retry, with a history row saying why. In the caller's
    /// transaction, so the job and the notifications change together.
    /// </summary>
    public async Task<int> RequeueAsync(LedgerTransaction tx, Guid tenantId, IReadOnlyList<Guid> ids, string detail, CancellationToken ct)
    {
        var changes = new List<StatusChange>();
        await using (var cmd = tx.Command(Sql.Requeue))
        {
            cmd.Parameters.AddWithValue(tenantId);
            cmd.Parameters.AddWithValue(ids.ToArray());
            cmd.Parameters.AddWithValue(detail);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var now = DateTimeOffset.UtcNow;
            while (await r.ReadAsync(ct))
                changes.Add(new StatusChange(r.GetGuid(0), tenantId, r.GetString(1), NotificationStatuses.Queued, r.GetString(2),
                    "api", detail, null, now,
                    StoredRecipient.Parse(r.GetString(3)), r.IsDBNull(4) ? null : JsonNode.Parse(r.GetString(4)) as JsonObject));
        }
        await PublishAsync(tx, changes, ct);
        return changes.Count;
    }
}
