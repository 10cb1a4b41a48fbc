using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Contracts;

namespace NotificationService.Features.Sending.Notifications;

public sealed record StatusEvent(string Status, string Source, string? Detail, DateTimeOffset At);

public sealed record NotificationStatus(
    Guid Id, string Channel, string Status, string Priority, RecipientDto Recipient, string? Template, string? Locale, string? Category,
    JsonNode? Metadata, Guid? BatchId, int Attempts, string? Provider, Guid? ProviderId, string? ProviderMessageId, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? SendAt, DateTimeOffset? SentAt, IReadOnlyList<StatusEvent> History);

/// <summary>One line of a list of notifications (a batch's page).</summary>
public sealed record NotificationSummary(Guid Id, string Channel, string Status, RecipientDto Recipient, string? LastError,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Reads notifications: one with its status history, and a batch's counts and pages. Writes go through
/// <see cref="NotificationLedger"/>.</summary>
public sealed partial class NotificationQueries(NpgsqlDataSource db)
{
    private static readonly string[] Priorities = ["high", "normal", "low"];

    /// <summary>$1 tenant, $2 id: the notification itself.</summary>
    private const string OneSql = """
        select channel, status, priority, recipient::text, template_key, locale, category, metadata::text, batch_id, attempts,
               provider_kind, provider_id, provider_message_id, last_error, created_at, updated_at, send_at, sent_at
        from notifications where tenant_id = $1 and id = $2
        """;

    /// <summary>
    /// $1 tenant, $2 id: its history. `accepted` and `queued` happen in the accept transaction and are derived from the
    /// row (the ledger doesn't store them). A delivery attempt is one stored row (its outcome, with the attempt's number and
    /// start) read as two entries, `sending · attempt N` then the outcome; an attempt still in flight is derived from the
    /// notification itself. Rows stored before attempts were recorded this way carry their own `sending` entries.
    /// </summary>
    private const string HistorySql = """
        select s.status, 'api', s.detail, n.created_at, 0 as part, s.ord, 0 as sub from notifications n
        cross join lateral (values (1, 'accepted', null),
                                   (2, 'queued', case when n.send_at is not null then 'scheduled for ' || n.send_at end)) as s(ord, status, detail)
        where n.tenant_id = $1 and n.id = $2
        union all
        select 'sending', 'worker', 'attempt ' || e.attempt, e.started_at, 1, e.id, 0 from notification_events e
        join notifications n on n.id = e.notification_id
        where n.tenant_id = $1 and e.notification_id = $2 and e.started_at is not null
        union all
        select e.status, e.source, e.detail, e.created_at, 1, e.id, 1 from notification_events e
        join notifications n on n.id = e.notification_id
        where n.tenant_id = $1 and e.notification_id = $2
        union all
        select 'sending', 'worker', 'attempt ' || n.attempts, n.updated_at, 2, 0, 0 from notifications n
        where n.tenant_id = $1 and n.id = $2 and n.status = 'sending'
          and not exists (select 1 from notification_events e where e.notification_id = n.id
                          and (e.attempt >= n.attempts or (e.attempt is null and e.status = 'sending' and e.detail = 'attempt ' || n.attempts)))
        order by part, ord, sub
        """;

    public async Task<NotificationStatus?> GetAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(OneSql) { Parameters = { new() { Value = tenantId }, new() { Value = id } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(HistorySql) { Parameters = { new() { Value = tenantId }, new() { Value = id } } });
        await using var r = await batch.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        T? N<T>(int i) => r.IsDBNull(i) ? default : r.GetFieldValue<T>(i);
        var head = (Channel: r.GetString(0), Status: r.GetString(1), Priority: Priorities[r.GetInt16(2)],
            Recipient: StoredRecipient.Parse(r.GetString(3)).ToDto(), Template: N<string>(4), Locale: N<string>(5), Category: N<string>(6),
            Metadata: N<string>(7) is { } m ? JsonNode.Parse(m) : null, BatchId: N<Guid?>(8), Attempts: r.GetInt32(9),
            Provider: N<string>(10), ProviderId: N<Guid?>(11), ProviderMessageId: N<string>(12),
            LastError: N<string>(13), CreatedAt: r.GetFieldValue<DateTimeOffset>(14), UpdatedAt: r.GetFieldValue<DateTimeOffset>(15),
            SendAt: N<DateTimeOffset?>(16), SentAt: N<DateTimeOffset?>(17));
        await r.NextResultAsync(ct);
        var history = new List<StatusEvent>();
        while (await r.ReadAsync(ct))
            history.Add(new StatusEvent(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                r.GetFieldValue<DateTimeOffset>(3)));
        return new NotificationStatus(
            id, head.Channel, head.Status, head.Priority, head.Recipient, head.Template, head.Locale, head.Category,
            head.Metadata, head.BatchId, head.Attempts, head.Provider, head.ProviderId, head.ProviderMessageId, head.LastError,
            head.CreatedAt, head.UpdatedAt, head.SendAt, head.SentAt, history);
    }

    /// <summary>What a notification renders from (its pinned template version, its data and locale), in the caller's
    /// transaction; null when there is no such notification. A workflow's live in-app digest renders its item again from it.</summary>
    public static async Task<(Guid? TemplateVersionId, JsonNode? Data, string? Locale)?> RenderInputsAsync(NpgsqlConnection conn,
        NpgsqlTransaction tx, Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "select template_version_id, data::text, locale from notifications where tenant_id = $1 and id = $2", conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return (r.IsDBNull(0) ? null : r.GetGuid(0), r.IsDBNull(1) ? null : JsonNode.Parse(r.GetString(1)),
            r.IsDBNull(2) ? null : r.GetString(2));
    }

    /// <summary>A batch's notifications counted by status.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountByBatchAsync(Guid tenantId, Guid batchId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select status, count(*) from notifications where tenant_id = $1 and batch_id = $2 group by status order by status");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(batchId);
        var counts = new Dictionary<string, long>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) counts[r.GetString(0)] = r.GetInt64(1);
        return counts;
    }

    /// <summary>Up to <paramref name="limit"/> of a batch's notifications after <paramref name="after"/> in id (time) order.</summary>
    public async Task<IReadOnlyList<NotificationSummary>> PageByBatchAsync(Guid tenantId, Guid batchId, string? status, Guid after,
        int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select id, channel, status, recipient::text, last_error, created_at, updated_at from notifications
            where tenant_id = $1 and batch_id = $2 and id > $3 and ($4::text is null or status = $4)
            order by id limit $5
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(batchId);
        cmd.Parameters.AddWithValue(after);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)status ?? DBNull.Value });
        cmd.Parameters.AddWithValue(limit);
        var items = new List<NotificationSummary>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            items.Add(new NotificationSummary(r.GetGuid(0), r.GetString(1), r.GetString(2), StoredRecipient.Parse(r.GetString(3)).ToDto(),
                r.IsDBNull(4) ? null : r.GetString(4), r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6)));
        return items;
    }

    /// <summary>Which of these (tenant, provider message id) pairs a notification now carries (parked callbacks wait for them).</summary>
    public async Task<IReadOnlyList<(Guid TenantId, string MessageId)>> StoredMessageIdsAsync(
        IReadOnlyList<(Guid TenantId, string MessageId)> candidates, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select c.tenant_id, c.message_id from unnest($1::uuid[], $2::text[]) as c(tenant_id, message_id)
            where exists (select 1 from notification_events e join notifications n on n.id = e.notification_id
                          where e.provider_message_id = c.message_id and n.provider_message_id = c.message_id and n.tenant_id = c.tenant_id)
            """);
        cmd.Parameters.AddWithValue(candidates.Select(c => c.TenantId).ToArray());
        cmd.Parameters.AddWithValue(candidates.Select(c => c.MessageId).ToArray());
        var stored = new List<(Guid, string)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) stored.Add((r.GetGuid(0), r.GetString(1)));
        return stored;
    }
}
