using Npgsql;
using NotificationService.Channels;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Delivery;

/// <summary>
/// The built-in in_app channel: writes the inbox row and bumps the user's unread counter in the same
/// statement (counters are kept on write so `unread-count` never scans). Redelivery is harmless:
/// the row is keyed by notification id and only a new row bumps the counter.
/// </summary>
public sealed class InboxWriter : IAsyncDisposable
{
    private readonly BatchingWriter<OutgoingMessage> _writer;

    /// <summary>Inbox rows, and each user's unread counter bumped by the rows that were new (a redelivery adds nothing).</summary>
    private const string InsertSql = """
        with ins as (
            insert into inbox_items (notification_id, tenant_id, user_id, title, body, action_url, icon)
            select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
            on conflict (notification_id) do nothing
            returning tenant_id, user_id
        )
        insert into inbox_counters (tenant_id, user_id, unread)
        select tenant_id, user_id, count(*) from ins group by tenant_id, user_id
        on conflict (tenant_id, user_id) do update set unread = inbox_counters.unread + excluded.unread
        """;

    public InboxWriter(NpgsqlDataSource db) => _writer = new(async (rows, ct) =>
    {
        await using var cmd = db.CreateCommand(InsertSql);
        cmd.Parameters.AddWithValue(rows.Select(r => r.NotificationId).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.TenantId).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.Recipient.UserId ?? "").ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.Content.Title).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.Content.Body).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.Content.ActionUrl).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.Content.Icon).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    });

    public async Task<DeliveryResult> WriteAsync(OutgoingMessage message)
    {
        if (string.IsNullOrEmpty(message.Recipient.UserId)) return new DeliveryResult.Permanent("in_app needs recipient.userId", "no_user");
        await _writer.WriteAsync(message);
        return new DeliveryResult.Sent(message.NotificationId.ToString());
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
