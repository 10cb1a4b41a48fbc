using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using NotificationService.Features.Webhooks;
using NotificationService.Infrastructure;
using NotificationService.Queue;

namespace NotificationService.Features.Notifications;

/// <summary>
/// Writes drafts set-based inside the caller's transaction: one statement enqueues every delivery job,
/// one inserts every notification with its `accepted` and `queued` history rows, and (only for tenants
/// subscribed to it) `notification.accepted` webhooks are enqueued too. Commit all or nothing.
/// </summary>
public sealed class NotificationWriter(JobQueue queue, AcceptedEvents acceptedEvents)
{
    public const string DeliverKind = "deliver";

    /// <returns>The queues this write enqueued to: pass them to <see cref="JobQueue.NotifyCommitted"/> after commit.</returns>
    public async Task<IReadOnlyList<string>> InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<NotificationDraft> drafts, CancellationToken ct)
    {
        var jobs = drafts.Select(d => new NewJob(d.Channel, DeliverKind, d.TenantId, DeliverArgs.Json(d.Id), d.Priority, d.SendAt)).ToList();
        var jobIds = await queue.EnqueueAsync(conn, tx, jobs, ct);

        await using var cmd = new NpgsqlCommand("""
            with n as (
                insert into notifications (id, tenant_id, channel, status, priority, recipient, template_key, template_version_id,
                                           locale, content, data, category, metadata, batch_id, job_id, send_at)
                select u.id, u.tenant_id, u.channel, 'queued', u.priority, u.recipient, u.template_key, u.template_version_id,
                       u.locale, u.content, u.data, u.category, u.metadata, u.batch_id, u.job_id, u.send_at
                from unnest($1::uuid[], $2::uuid[], $3::text[], $4::smallint[], $5::jsonb[], $6::text[], $7::uuid[],
                            $8::text[], $9::jsonb[], $10::jsonb[], $11::text[], $12::jsonb[], $13::uuid[], $14::bigint[], $15::timestamptz[])
                     as u(id, tenant_id, channel, priority, recipient, template_key, template_version_id,
                          locale, content, data, category, metadata, batch_id, job_id, send_at)
                returning id, send_at
            )
            insert into notification_events (notification_id, status, source, detail)
            select id, s.status, 'api', case when s.status = 'queued' and send_at is not null then 'scheduled for ' || send_at end
            from n cross join (values (1, 'accepted'), (2, 'queued')) as s(ord, status)
            order by id, s.ord
            """, conn, tx);
        var p = cmd.Parameters;
        p.AddWithValue(drafts.Select(d => d.Id).ToArray());
        p.AddWithValue(drafts.Select(d => d.TenantId).ToArray());
        p.AddWithValue(drafts.Select(d => d.Channel).ToArray());
        p.AddWithValue(drafts.Select(d => (short)d.Priority).ToArray());
        Json(p, drafts.Select(d => (object?)d.Recipient));
        p.AddWithValue(drafts.Select(d => d.TemplateKey).ToArray());
        p.AddWithValue(drafts.Select(d => d.TemplateVersionId).ToArray());
        p.AddWithValue(drafts.Select(d => d.Locale).ToArray());
        Json(p, drafts.Select(d => (object?)d.Content));
        Json(p, drafts.Select(d => (object?)d.Data));
        p.AddWithValue(drafts.Select(d => d.Category).ToArray());
        Json(p, drafts.Select(d => (object?)d.Metadata));
        p.AddWithValue(drafts.Select(d => d.BatchId).ToArray());
        p.AddWithValue(jobIds);
        p.AddWithValue(drafts.Select(d => d.SendAt).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);

        var queues = drafts.Select(d => d.Channel).Distinct().ToList();
        if (await acceptedEvents.PublishAsync(conn, tx, drafts, ct)) queues.Add(WebhookOutbox.Queue);
        return queues;
    }

    private static void Json(NpgsqlParameterCollection p, IEnumerable<object?> values) =>
        p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
            Value = values.Select(v => v is null ? null : JsonSerializer.Serialize(v, JsonBody.Options)).ToArray() });
}

/// <summary>The delivery job's arguments: just the notification id; everything else is read at delivery.</summary>
public static class DeliverArgs
{
    public static string Json(Guid notificationId) => $"{{\"n\":\"{notificationId}\"}}";

    public static Guid Parse(string json) => JsonDocument.Parse(json).RootElement.GetProperty("n").GetGuid();
}
