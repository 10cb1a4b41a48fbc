using Npgsql;
using NpgsqlTypes;
using NotificationService.Contracts;

namespace NotificationService.Features.Sending.Notifications;

public sealed record NotificationFilter(string? Recipient = null, string? Status = null, string? Channel = null, Guid? BatchId = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, string? Category = null, string? Template = null);

public sealed record SearchCursor(DateTimeOffset CreatedAt, Guid Id);

/// <summary>
/// A delivery log line: the API's summary plus the category and, for a send by userId, the address it was delivered to
/// (its profile's at delivery); the console shows both, the API's shape stays as it is.
/// </summary>
public sealed record LogRow(NotificationSummary Summary, string? Category, string? Address = null);

public sealed record ScheduledSend(Guid Id, string Channel, RecipientDto Recipient, string? Template, DateTimeOffset SendAt);

/// <summary>
/// The delivery log's reads (console): notifications by recipient, status, channel, category, batch and time range, newest first in
/// keyset pages on (created_at, id), the order of the tenant's (tenant_id, created_at desc) index. A recipient matches its
/// e-mail address or user id whatever the case (migration 540), or its phone number exactly; a send by userId also
/// matches the address it was delivered to (migration 1060), stored normalized as the suppression list spells it.
/// </summary>
public sealed class NotificationSearch(NpgsqlDataSource db)
{
    private const string SearchSql = """
        select id, channel, status, recipient::text, last_error, created_at, updated_at, category, address from notifications
        where tenant_id = $1
          and ($2::text is null or lower(recipient->>'email') = lower($2) or recipient->>'phone' = $2 or lower(recipient->>'userId') = lower($2)
               or address = lower($2) or address = $2)
          and ($3::text is null or status = $3) and ($4::text is null or channel = $4) and ($5::uuid is null or batch_id = $5)
          and ($6::timestamptz is null or created_at >= $6) and ($7::timestamptz is null or created_at < $7)
          and ($8::timestamptz is null or (created_at, id) < ($8, $9))
          and ($11::text is null or category = $11)
          and ($12::text is null or template_key = $12)
        order by created_at desc, id desc
        limit $10
        """;

    public async Task<IReadOnlyList<LogRow>> SearchAsync(Guid tenantId, NotificationFilter f, SearchCursor? after, int limit,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(SearchSql);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)f.Recipient?.Trim() ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)f.Status ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)f.Channel ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Uuid, (object?)f.BatchId ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, (object?)f.From ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, (object?)f.To ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, (object?)after?.CreatedAt ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Uuid, (object?)after?.Id ?? Guid.Empty);
        cmd.Parameters.AddWithValue(limit);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)f.Category ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)f.Template ?? DBNull.Value);
        var rows = new List<LogRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows.Add(new LogRow(new NotificationSummary(r.GetGuid(0), r.GetString(1), r.GetString(2),
                StoredRecipient.Parse(r.GetString(3)).ToDto(), r.IsDBNull(4) ? null : r.GetString(4),
                r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6)), r.IsDBNull(7) ? null : r.GetString(7),
                r.IsDBNull(8) ? null : r.GetString(8)));
        return rows;
    }

    /// <summary>
    /// Sends accepted with a future send_at that no worker has claimed (the ones the ledger can still cancel), soonest
    /// first. On the (tenant_id, created_at) index: a tenant's not-yet-due rows are few next to its history.
    /// </summary>
    public async Task<IReadOnlyList<ScheduledSend>> ScheduledAsync(Guid tenantId, string channel, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select id, channel, recipient::text, template_key, send_at from notifications
            where tenant_id = $1 and channel = $2 and status in ('accepted', 'queued') and send_at > now()
            order by send_at, id limit $3
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(channel);
        cmd.Parameters.AddWithValue(limit);
        var rows = new List<ScheduledSend>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows.Add(new ScheduledSend(r.GetGuid(0), r.GetString(1), StoredRecipient.Parse(r.GetString(2)).ToDto(),
                r.IsDBNull(3) ? null : r.GetString(3), r.GetFieldValue<DateTimeOffset>(4)));
        return rows;
    }

    /// <summary>The channel and recipient of each of the tenant's notifications named (a dead job's subjects on the queues page).</summary>
    public async Task<IReadOnlyDictionary<Guid, (string Channel, RecipientDto Recipient)>> RecipientsAsync(
        Guid tenantId, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var found = new Dictionary<Guid, (string, RecipientDto)>();
        if (ids.Count == 0) return found;
        await using var cmd = db.CreateCommand(
            "select id, channel, recipient::text from notifications where tenant_id = $1 and id = any($2)");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(ids.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) found[r.GetGuid(0)] = (r.GetString(1), StoredRecipient.Parse(r.GetString(2)).ToDto());
        return found;
    }

    /// <summary>The rendered-for-delivery content, as stored with the notification (inline sends) —
    /// templates render at delivery.</summary>
    public async Task<string?> ContentJsonAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select coalesce(content::text, data::text) from notifications where tenant_id = $1 and id = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }
}
