using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Features.Notifications;
using NotificationService.Features.Webhooks;

namespace NotificationService.Features.Delivery;

/// <summary>The worker's two statements per batch: claim notifications for sending, record outcomes.</summary>
public sealed class DeliveryStore(NpgsqlDataSource db, WebhookOutbox outbox)
{
    /// <summary>
    /// queued/sending → sending, one history row each. Anything else (cancelled, or already sent by a
    /// worker that died before acknowledging its job) is left alone, which bounds duplicates after a crash.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, DeliveryRecord>> BeginSendingAsync(Guid[] ids, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            with u as (
                update notifications set status = 'sending', attempts = attempts + 1, updated_at = now()
                where id = any($1) and status in ('queued', 'sending')
                returning id, tenant_id, channel, recipient, template_version_id, locale, content, data, category, metadata, attempts
            ), e as (
                insert into notification_events (notification_id, status, source, detail)
                select id, 'sending', 'worker', 'attempt ' || attempts from u
            )
            select id, tenant_id, channel, recipient::text, template_version_id, locale, content::text, data::text, category, metadata::text, attempts from u
            """);
        cmd.Parameters.AddWithValue(ids);
        var result = new Dictionary<Guid, DeliveryRecord>(ids.Length);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
            var rec = new DeliveryRecord(r.GetGuid(0), r.GetGuid(1), r.GetString(2), DeliveryRecord.ParseRecipient(r.GetString(3)),
                r.IsDBNull(4) ? null : r.GetGuid(4), S(5), DeliveryRecord.ParseContent(S(6)),
                S(7) is { } d ? JsonNode.Parse(d) as JsonObject : null, S(8), S(9) is { } m ? JsonNode.Parse(m) as JsonObject : null, r.GetInt32(10));
            result[rec.Id] = rec;
        }
        return result;
    }

    /// <summary>
    /// Applies every outcome of a batch in one statement; status only moves forward from `sending`. The
    /// webhook deliveries for the changes (sent, failed, suppressed) commit in the same transaction.
    /// </summary>
    public async Task RecordOutcomesAsync(IReadOnlyList<DeliveryOutcome> outcomes, CancellationToken ct)
    {
        if (outcomes.Count == 0) return;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            with x as (
                select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::text[])
                    as x(id, new_status, event_status, event_detail, error, provider_id, provider_kind, provider_message_id)
            ), u as (
                update notifications n set
                    status = coalesce(x.new_status, n.status),
                    last_error = x.error,
                    provider_id = coalesce(x.provider_id, n.provider_id),
                    provider_kind = coalesce(x.provider_kind, n.provider_kind),
                    provider_message_id = coalesce(x.provider_message_id, n.provider_message_id),
                    sent_at = case when x.new_status = 'sent' then now() else n.sent_at end,
                    updated_at = now()
                from x where n.id = x.id and n.status = 'sending'
                returning n.id, n.tenant_id, n.channel, n.status, n.recipient::text, n.metadata::text, n.last_error, x.new_status is not null as changed
            ), e as (
                insert into notification_events (notification_id, status, source, detail)
                select x.id, x.event_status, 'worker', x.event_detail from x join u on u.id = x.id
            )
            select id, tenant_id, channel, status, recipient, metadata, last_error from u where changed
            """, conn, tx);
        var p = cmd.Parameters;
        p.AddWithValue(outcomes.Select(o => o.NotificationId).ToArray());
        p.AddWithValue(outcomes.Select(o => o.NewStatus).ToArray());
        p.AddWithValue(outcomes.Select(o => o.EventStatus).ToArray());
        p.AddWithValue(outcomes.Select(o => o.EventDetail).ToArray());
        p.AddWithValue(outcomes.Select(o => o.Error).ToArray());
        p.AddWithValue(outcomes.Select(o => o.Provider?.Id).ToArray());
        p.AddWithValue(outcomes.Select(o => o.Provider?.Kind).ToArray());
        p.AddWithValue(outcomes.Select(o => o.ProviderMessageId).ToArray());
        var changes = new List<StatusChange>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                changes.Add(new StatusChange(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), "sending", JsonNode.Parse(r.GetString(4)),
                    r.IsDBNull(5) ? null : JsonNode.Parse(r.GetString(5)), r.IsDBNull(6) ? null : r.GetString(6), DateTimeOffset.UtcNow));
        var published = await outbox.PublishAsync(conn, tx, changes, ct);
        await tx.CommitAsync(ct);
        if (published > 0) outbox.NotifyCommitted();
    }
}
