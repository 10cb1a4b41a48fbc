using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Infrastructure;
using NotificationService.Queue;

namespace NotificationService.Features.Notifications;

public sealed record StatusEvent(string Status, string Source, string? Detail, DateTimeOffset At);

public sealed record NotificationStatus(
    Guid Id, string Channel, string Status, string Priority, JsonNode? Recipient, string? Template, string? Locale, string? Category,
    JsonNode? Metadata, Guid? BatchId, int Attempts, string? Provider, Guid? ProviderId, string? ProviderMessageId, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? SendAt, DateTimeOffset? SentAt, IReadOnlyList<StatusEvent> History);

/// <summary>Reads a notification with its status history, and cancels one not yet claimed by a worker.</summary>
public sealed class NotificationQueries(NpgsqlDataSource db, JobQueue queue)
{
    private static readonly string[] Priorities = ["high", "normal", "low"];

    public async Task<NotificationStatus?> GetAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            select channel, status, priority, recipient::text, template_key, locale, category, metadata::text, batch_id, attempts,
                   provider_kind, provider_id, provider_message_id, last_error, created_at, updated_at, send_at, sent_at
            from notifications where tenant_id = $1 and id = $2
            """) { Parameters = { new() { Value = tenantId }, new() { Value = id } } });
        // `accepted` and `queued` happen in the accept transaction and are derived from the row (NotificationWriter
        // doesn't store them); everything after is a stored event.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            select s.status, 'api', s.detail, n.created_at, 0 as part, s.ord from notifications n
            cross join lateral (values (1, 'accepted', null),
                                       (2, 'queued', case when n.send_at is not null then 'scheduled for ' || n.send_at end)) as s(ord, status, detail)
            where n.tenant_id = $1 and n.id = $2
            union all
            select e.status, e.source, e.detail, e.created_at, 1, e.id from notification_events e
            join notifications n on n.id = e.notification_id
            where n.tenant_id = $1 and e.notification_id = $2
            order by part, ord
            """) { Parameters = { new() { Value = tenantId }, new() { Value = id } } });
        await using var r = await batch.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        T? N<T>(int i) => r.IsDBNull(i) ? default : r.GetFieldValue<T>(i);
        var head = (Channel: r.GetString(0), Status: r.GetString(1), Priority: Priorities[r.GetInt16(2)], Recipient: JsonNode.Parse(r.GetString(3)),
            Template: N<string>(4), Locale: N<string>(5), Category: N<string>(6), Metadata: N<string>(7) is { } m ? JsonNode.Parse(m) : null,
            BatchId: N<Guid?>(8), Attempts: r.GetInt32(9), Provider: N<string>(10), ProviderId: N<Guid?>(11), ProviderMessageId: N<string>(12),
            LastError: N<string>(13), CreatedAt: r.GetFieldValue<DateTimeOffset>(14), UpdatedAt: r.GetFieldValue<DateTimeOffset>(15),
            SendAt: N<DateTimeOffset?>(16), SentAt: N<DateTimeOffset?>(17));
        await r.NextResultAsync(ct);
        var history = new List<StatusEvent>();
        while (await r.ReadAsync(ct))
            history.Add(new StatusEvent(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetFieldValue<DateTimeOffset>(3)));
        return new NotificationStatus(id, head.Channel, head.Status, head.Priority, head.Recipient, head.Template, head.Locale, head.Category,
            head.Metadata, head.BatchId, head.Attempts, head.Provider, head.ProviderId, head.ProviderMessageId, head.LastError,
            head.CreatedAt, head.UpdatedAt, head.SendAt, head.SentAt, history);
    }

    /// <summary>Cancels a notification whose job no worker has claimed yet; 409 once it is being sent or done.</summary>
    public async Task CancelAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var select = new NpgsqlCommand("select status, job_id from notifications where tenant_id = $1 and id = $2 for update", conn, tx)
            { Parameters = { new() { Value = tenantId }, new() { Value = id } } };
        string status; long? jobId;
        await using (var r = await select.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) throw new NotFoundException("The notification");
            (status, jobId) = (r.GetString(0), r.IsDBNull(1) ? null : r.GetInt64(1));
        }
        if (status is not ("accepted" or "queued") || jobId is null || !await queue.CancelAsync(conn, tx, tenantId, jobId.Value, ct))
            throw new ConflictException($"The notification can no longer be cancelled: a worker has already claimed it (status '{status}').");
        await using var update = new NpgsqlCommand("""
            with u as (update notifications set status = 'cancelled', updated_at = now() where id = $1 returning id)
            insert into notification_events (notification_id, status, source) select id, 'cancelled', 'api' from u
            """, conn, tx) { Parameters = { new() { Value = id } } };
        await update.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}
