using NotificationService.Infrastructure;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>One of a person's notifications as an export shows it: everything stored, with its history.</summary>
public sealed record PersonNotification(Guid Id, string Channel, string Status, string Priority, JsonNode? Recipient, string? Template,
    string? Locale, string? Category, JsonNode? Data, JsonNode? Content, JsonNode? Metadata, Guid? BatchId, int Attempts,
    string? Provider, string? ProviderMessageId,
    string? LastError, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? SendAt, DateTimeOffset? SentAt)
{
    public IReadOnlyList<StatusEvent> History { get; init; } = [];
}

/// <summary>Reads of one person's notifications (export, erase, the console's Users page), by userId or, for sends that
/// named only an address, by the person's addresses. Keyset pages in id order.</summary>
public sealed partial class NotificationQueries
{
    private const string PersonColumns = """
        id, channel, status, priority, recipient::text, template_key, locale, category, data::text, content::text, metadata::text, batch_id,
        attempts, provider_kind, provider_message_id, last_error, created_at, updated_at, send_at, sent_at
        """;

    /// <summary>$1 tenant, $2 userId, $3 after (null: from the start), $4 page size: the (tenant, lower(userId), userId, id)
    /// index in order (lower(userId) is named so that the planner can use it).</summary>
    private const string ByUserSql = "select " + PersonColumns + $"""
         from notifications where tenant_id = $1 and {ByUserId.Where}
           and id > coalesce($3::uuid, {KeysetBound.FirstUuid}) order by id limit $4
        """;

    /// <summary>$1 tenant, $2 addresses, $3 after, $4 page size, $5 a userId whose own sends are left out (listed by userId).</summary>
    private const string ByEmailSql = "select " + PersonColumns + $"""
         from notifications where tenant_id = $1 and recipient->>'email' = any($2) and id > coalesce($3::uuid, {KeysetBound.FirstUuid})
           and (recipient->>'userId') is distinct from $5 order by id limit $4
        """;

    /// <summary>As <see cref="ByEmailSql"/>, for phone numbers.</summary>
    private const string ByPhoneSql = "select " + PersonColumns + $"""
         from notifications where tenant_id = $1 and recipient->>'phone' = any($2) and id > coalesce($3::uuid, {KeysetBound.FirstUuid})
           and (recipient->>'userId') is distinct from $5 order by id limit $4
        """;

    /// <summary>$1 tenant, $2 ids: their histories, as <see cref="HistorySql"/> reads one.</summary>
    private const string HistoryManySql = """
        select n.id, s.status, 'api', s.detail, n.created_at, 0 as part, s.ord, 0 as sub from notifications n
        cross join lateral (values (1, 'accepted', null),
                                   (2, 'queued', case when n.send_at is not null then 'scheduled for ' || n.send_at end)) as s(ord, status, detail)
        where n.tenant_id = $1 and n.id = any($2)
        union all
        select e.notification_id, 'sending', 'worker', 'attempt ' || e.attempt, e.started_at, 1, e.id, 0 from notification_events e
        join notifications n on n.id = e.notification_id
        where n.tenant_id = $1 and e.notification_id = any($2) and e.started_at is not null
        union all
        select e.notification_id, e.status, e.source, e.detail, e.created_at, 1, e.id, 1 from notification_events e
        join notifications n on n.id = e.notification_id
        where n.tenant_id = $1 and e.notification_id = any($2)
        order by 1, part, ord, sub
        """;

    /// <summary>$1 tenant, $2 userId, $3 at most this many of each: the distinct addresses the user's notifications carry.</summary>
    private const string AddressesSql = $"""
        select array(select distinct recipient->>'email' from notifications
                     where tenant_id = $1 and {ByUserId.Where} and recipient->>'email' is not null limit $3),
               array(select distinct recipient->>'phone' from notifications
                     where tenant_id = $1 and {ByUserId.Where} and recipient->>'phone' is not null limit $3)
        """;

    /// <summary>The addresses (email, phone) a user's notifications were sent with (at most <paramref name="limit"/> of each).</summary>
    public async Task<(string[] Emails, string[] Phones)> AddressesOfUserAsync(Guid tenantId, string userId, int limit,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(AddressesSql);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userId);
        cmd.Parameters.AddWithValue(limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.GetFieldValue<string[]>(0), r.GetFieldValue<string[]>(1));
    }

    /// <summary>
    /// A page of a person's notifications in id order after <paramref name="after"/>, with their histories: by userId, or
    /// (<paramref name="match"/> email/phone) those sent to one of <paramref name="keys"/> without that userId.
    /// </summary>
    public async Task<IReadOnlyList<PersonNotification>> PageForPersonAsync(Guid tenantId, EraseMatch match, string[] keys, string userId,
        Guid? after, int limit, bool withHistory, CancellationToken ct)
    {
        var page = new List<PersonNotification>(limit);
        if (keys.Length == 0) return page;
        await using (var cmd = db.CreateCommand(
            match switch { EraseMatch.UserId => ByUserSql, EraseMatch.Email => ByEmailSql, _ => ByPhoneSql }))
        {
            cmd.Parameters.AddWithValue(tenantId);
            if (match == EraseMatch.UserId) cmd.Parameters.AddWithValue(userId);
            else cmd.Parameters.AddWithValue(keys);
            cmd.Parameters.AddWithValue(NpgsqlDbType.Uuid, (object?)after ?? DBNull.Value);
            cmd.Parameters.AddWithValue(limit);
            if (match != EraseMatch.UserId) cmd.Parameters.AddWithValue(userId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                T? N<T>(int i) => r.IsDBNull(i) ? default : r.GetFieldValue<T>(i);
                JsonNode? J(int i) => r.IsDBNull(i) ? null : JsonNode.Parse(r.GetString(i));
                page.Add(new PersonNotification(r.GetGuid(0), r.GetString(1), r.GetString(2), Priorities[r.GetInt16(3)], J(4),
                    N<string>(5), N<string>(6),
                    N<string>(7), J(8), J(9), J(10), N<Guid?>(11), r.GetInt32(12), N<string>(13), N<string>(14), N<string>(15),
                    r.GetFieldValue<DateTimeOffset>(16), r.GetFieldValue<DateTimeOffset>(17),
                    N<DateTimeOffset?>(18), N<DateTimeOffset?>(19)));
            }
        }
        if (!withHistory || page.Count == 0) return page;
        var history = await HistoriesAsync(tenantId, page.Select(p => p.Id).ToArray(), ct);
        return page.Select(p => p with { History = history.GetValueOrDefault(p.Id) ?? [] }).ToList();
    }

    private async Task<Dictionary<Guid, List<StatusEvent>>> HistoriesAsync(Guid tenantId, Guid[] ids, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(HistoryManySql);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(ids);
        var histories = new Dictionary<Guid, List<StatusEvent>>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var id = r.GetGuid(0);
            if (!histories.TryGetValue(id, out var list)) histories[id] = list = [];
            list.Add(new StatusEvent(r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.GetFieldValue<DateTimeOffset>(4)));
        }
        return histories;
    }
}
