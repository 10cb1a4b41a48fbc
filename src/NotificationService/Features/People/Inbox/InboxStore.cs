using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace NotificationService.Features.People.Inbox;

/// <summary>One delivered in_app message, as the Delivery feature hands it over.</summary>
public sealed record InboxDelivery(Guid NotificationId, Guid TenantId, string UserId, string? Title, string? Body, string? ActionUrl,
    string? Icon, string? Category, string? DataJson, DateTimeOffset? ExpiresAt, string? ActionsJson = null, string? Thread = null);

/// <summary>A change a user (or the sweeper) makes to items: which rows it applies to, and what it sets. <paramref name="Told"/>:
/// what <see cref="IInboxReadSubscriber"/>s hear for the items it changed, in order (read implies seen); none for the rest
/// (a deletion, the sweeper's expiry).</summary>
public sealed record InboxChange(string Name, string Target, string Set, string[]? Told = null)
{
    public static readonly InboxChange Read = new("read", $"{InboxStore.Live} and read_at is null",
        "read_at = now(), seen_at = coalesce(i.seen_at, now())",
        ["read", "seen"]);
    public static readonly InboxChange Unread = new("unread", $"{InboxStore.Live} and read_at is not null", "read_at = null", ["unread"]);
    public static readonly InboxChange Seen = new("seen", $"{InboxStore.Live} and seen_at is null", "seen_at = now()", ["seen"]);
    public static readonly InboxChange Archive = new("archived", $"{InboxStore.Live} and archived_at is null", "archived_at = now()",
        ["archived"]);
    public static readonly InboxChange Unarchive = new("unarchived", $"{InboxStore.Live} and archived_at is not null",
        "archived_at = null", ["unarchived"]);
    public static readonly InboxChange Delete = new("deleted", InboxStore.Live, "deleted_at = now()");
    /// <summary>Items past their expiry leave the counts (they already left the lists when the time passed).</summary>
    public static readonly InboxChange Expire = new("expired", "expires_at <= now()", "deleted_at = now()");

    internal string Sql { get; } = InboxStore.Change.Replace("{target}", Target).Replace("{set}", Set)
        .Replace("{ids}", Told is null ? "" : ", (select array_agg(notification_id) from changed)");
}

/// <summary>
/// Hears which items a user read, saw, marked unread, archived or unarchived, inside the transaction that changes them (the
/// notification ledger's engagement statuses, a workflow waiting for an in_app notification to be read). Registered in
/// DI; a change no subscriber is told about costs nothing extra.
/// </summary>
public interface IInboxReadSubscriber
{
    /// <param name="statuses">What the items became: `read`, `seen` (`read` is told as `read`, `seen`: it implies `seen`),
    /// or one of `unread`, `archived`, `unarchived`.</param>
    /// <returns>What to do once the change committed (wake a queue it enqueued to), or null.</returns>
    Task<Action?> OnReadAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, IReadOnlyList<Guid> notificationIds,
        string[] statuses, CancellationToken ct);
}

public sealed record InboxCounts(int Unread, int Unseen, int Total);

public sealed record InboxPage(JsonArray Items, string? NextCursor);

/// <summary>
/// The one owner of `inbox_items`, `inbox_counters` and `inbox_events`. Every write changes the rows, the user's
/// counters and the user's event log in one transaction, and announces it (ids only) with a transactional NOTIFY.
/// </summary>
public sealed partial class InboxStore(NpgsqlDataSource db, IEnumerable<IInboxReadSubscriber> readSubscribers)
{
    private readonly IInboxReadSubscriber[] _readSubscribers = [.. readSubscribers];

    /// <summary>Set-based: one statement for a whole batch of deliveries across users.</summary>
    public async Task DeliverAsync(IReadOnlyList<InboxDelivery> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        await using var cmd = db.CreateCommand(InboxStore.Deliver);
        cmd.Parameters.AddWithValue(rows.Select(r => r.NotificationId).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.TenantId).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.UserId).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.Title).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.Body).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.ActionUrl).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.Icon).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.Category).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.DataJson).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter
        {
            Value = rows.Select(r => r.ExpiresAt?.UtcDateTime).ToArray(),
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz
        });
        cmd.Parameters.AddWithValue(rows.Select(r => r.ActionsJson).ToArray());
        cmd.Parameters.AddWithValue(rows.Select(r => r.Thread).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Publishes a live application event (not an inbox item: no count changes) to each user's stream, numbered in the
    /// user's own sequence so a reconnect with Last-Event-ID replays it. <paramref name="userIds"/>: distinct.
    /// One statement; returns how many users it reached.
    /// </summary>
    public async Task<int> PublishAppEventAsync(Guid tenantId, string[] userIds, string type, string dataJson, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(InboxStore.PublishApp);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userIds);
        cmd.Parameters.AddWithValue(AppEventKind(type));
        cmd.Parameters.AddWithValue(dataJson);
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The SSE event name of an application event: `app.` then its type.</summary>
    public static string AppEventKind(string type) => "app." + type;

    /// <summary>Applies a change to the given ids (null: every matching item, e.g. mark-all-read); returns how many changed.</summary>
    public async Task<int> ApplyAsync(Guid tenantId, string userId, InboxChange change, Guid[]? ids, string? category, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockCmd = new NpgsqlCommand(InboxStore.LockUser, conn, tx))
        {
            lockCmd.Parameters.AddWithValue(tenantId);
            lockCmd.Parameters.AddWithValue(userId);
            if (await lockCmd.ExecuteScalarAsync(ct) is null) return 0;   // no counters row: the user has no items
        }
        await using var cmd = new NpgsqlCommand(change.Sql, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userId);
        cmd.Parameters.Add(
            new NpgsqlParameter { Value = (object?)ids ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)category ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(change.Name);
        var changed = 0;
        Guid[]? changedIds = null;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct))
            {
                changed = r.GetInt32(0);
                if (change.Told is not null && !r.IsDBNull(2)) changedIds = r.GetFieldValue<Guid[]>(2);
            }
        List<Action>? afterCommit = null;
        if (changedIds is { Length: > 0 })
            foreach (var s in _readSubscribers)
                if (await s.OnReadAsync(conn, tx, tenantId, changedIds, change.Told!, ct) is { } then) (afterCommit ??= []).Add(then);
        await tx.CommitAsync(ct);
        foreach (var then in afterCommit ?? []) then();
        return changed;
    }

    /// <summary>
    /// A live digest's item, in the caller's transaction (a workflow's digest window): new title and body, unread again.
    /// The user's counter row is locked first, as every inbox writer does. Nothing when the item is not there (not delivered
    /// yet, deleted, expired).
    /// </summary>
    public async Task ReviseAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string userId, Guid notificationId,
        string? title, string? body, CancellationToken ct)
    {
        await using (var lockCmd = new NpgsqlCommand(LockUser, conn, tx))
        {
            lockCmd.Parameters.AddWithValue(tenantId);
            lockCmd.Parameters.AddWithValue(userId);
            if (await lockCmd.ExecuteScalarAsync(ct) is null) return;   // no counters row: the item was never delivered
        }
        await using var cmd = new NpgsqlCommand(Revise, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userId);
        cmd.Parameters.AddWithValue(notificationId);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = title, DataTypeName = "text" });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = body, DataTypeName = "text" });
        bool wasRead;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            wasRead = await r.ReadAsync(ct) && !r.IsDBNull(1) && r.GetBoolean(1);
        if (wasRead)
            foreach (var s in _readSubscribers)
                await s.OnReadAsync(conn, tx, tenantId, [notificationId], ["unread"], ct);   // after-commit actions: none needed here
    }

    /// <summary>Whether the user has this item (not deleted, not expired): another user's or tenant's id is simply absent.</summary>
    /// <summary>
    /// Erase, in the erase batch's transaction: the inbox items of these (erased) notifications go, found by their key. The
    /// counters and events go with <see cref="ForgetUserAsync"/> at the end of the erase; until then nobody reads them.
    /// </summary>
    public static async Task<int> ForgetItemsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid[] notificationIds,
        CancellationToken ct)
    {
        if (notificationIds.Length == 0) return 0;
        await using var cmd = new NpgsqlCommand("delete from inbox_items where tenant_id = $1 and notification_id = any($2)", conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(notificationIds);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Erase: the user's counters, stream events and any item still there go.</summary>
    public async Task<int> ForgetUserAsync(Guid tenantId, string userId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ForgetUser);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userId);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> ExistsAsync(Guid tenantId, string userId, Guid id, CancellationToken ct) =>
        await GetAsync(tenantId, userId, id, ct) is not null;

    public async Task<JsonNode?> GetAsync(Guid tenantId, string userId, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            select {InboxStore.ItemJson}::text from inbox_items
            where tenant_id = $1 and user_id = $2 and notification_id = $3 and deleted_at is null and {InboxStore.Live}
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userId);
        cmd.Parameters.AddWithValue(id);
        return await cmd.ExecuteScalarAsync(ct) is string json ? JsonNode.Parse(json) : null;
    }

    public async Task<InboxPage> ListAsync(Guid tenantId, string userId, InboxQuery q, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(InboxStore.List);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userId);
        cmd.Parameters.AddWithValue(q.Status);
        cmd.Parameters.AddWithValue(q.Archived);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)q.Category ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(
            new NpgsqlParameter { Value = (object?)q.After?.CreatedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)q.After?.Id ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        cmd.Parameters.AddWithValue(q.Limit + 1);
        var items = new JsonArray();
        (DateTime CreatedAt, Guid Id) last = default;
        var more = false;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            if (items.Count == q.Limit) { more = true; break; }
            items.Add(JsonNode.Parse(r.GetString(0)));
            last = (r.GetFieldValue<DateTime>(1), r.GetGuid(2));
        }
        return new InboxPage(items, more ? InboxCursor.Encode(last.CreatedAt, last.Id) : null);
    }

    /// <summary>
    /// The badge, read from the counters. Items past their expiry are swept out first: usually there are none, and
    /// finding that out is one probe of a partial index, so the read stays O(1) and the count stays exact.
    /// </summary>
    public async Task<InboxCounts> CountsAsync(Guid tenantId, string userId, CancellationToken ct)
    {
        while (true)
        {
            await using var cmd = db.CreateCommand("""
                select c.unread, c.unseen, c.total,
                    exists (select 1 from inbox_items where tenant_id = $1 and user_id = $2 and expires_at <= now() and deleted_at is null)
                from (select 1) one left join inbox_counters c on c.tenant_id = $1 and c.user_id = $2
                """);
            cmd.Parameters.AddWithValue(tenantId);
            cmd.Parameters.AddWithValue(userId);
            InboxCounts counts;
            bool expired;
            await using (var r = await cmd.ExecuteReaderAsync(ct))
            {
                await r.ReadAsync(ct);
                counts = r.IsDBNull(0) ? new InboxCounts(0, 0, 0) : new InboxCounts(r.GetInt32(0), r.GetInt32(1), r.GetInt32(2));
                expired = r.GetBoolean(3);
            }
            if (!expired) return counts;
            await ApplyAsync(tenantId, userId, InboxChange.Expire, null, null, ct);   // rare: then read again
        }
    }

    /// <summary>Sweeps expired items of up to <paramref name="users"/> users (the background pass); returns how many users.</summary>
    public async Task<int> SweepExpiredAsync(int users, CancellationToken ct)
    {
        var due = new List<(Guid, string)>();
        await using (var cmd = db.CreateCommand(
            "select distinct tenant_id, user_id from inbox_items where expires_at <= now() and deleted_at is null limit $1"))
        {
            cmd.Parameters.AddWithValue(users);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) due.Add((r.GetGuid(0), r.GetString(1)));
        }
        foreach (var (tenant, user) in due) await ApplyAsync(tenant, user, InboxChange.Expire, null, null, ct);
        return due.Count;
    }

    /// <summary>
    /// The notification ids of up to <paramref name="limit"/> items deleted (or expired and swept) before
    /// <paramref name="olderThan"/>, oldest first. The item goes with its in-app notification (InAppRetention asks the
    /// ledger to purge it; `inbox_items.notification_id` cascades), so no notification outlives its item unseen.
    /// </summary>
    public async Task<Guid[]> GoneItemsAsync(DateTimeOffset olderThan, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select notification_id from inbox_items where deleted_at < $1 order by deleted_at limit $2
            """);
        cmd.Parameters.AddWithValue(olderThan.UtcDateTime);
        cmd.Parameters.AddWithValue(limit);
        var ids = new List<Guid>(limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) ids.Add(r.GetGuid(0));
        return [.. ids];
    }

    /// <summary>Stream events older than the replay window, in batches (the Retention feature drives it); returns how many went.</summary>
    public async Task<int> PurgeEventsAsync(DateTimeOffset before, int batch, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            delete from inbox_events where ctid = any(array(select ctid from inbox_events where created_at < $1 limit $2))
            """);
        cmd.Parameters.AddWithValue(before.UtcDateTime);
        cmd.Parameters.AddWithValue(batch);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Repairs counters to a COUNT(*) of the rows, a batch of users at a time under their counter locks (so a change
    /// racing the repair is never lost); reports (users checked, counters fixed) after each batch.
    /// </summary>
    public async Task<(long Checked, long Fixed)> RecountAsync(Guid? tenantId, Action<long, long>? progress, CancellationToken ct,
        int batch = 1000)
    {
        await using (var missing = db.CreateCommand(InboxStore.RecountMissing))
        {
            missing.Parameters.Add(new NpgsqlParameter { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
            await missing.ExecuteNonQueryAsync(ct);
        }
        long checkedUsers = 0, fixedUsers = 0;
        var after = (Tenant: Guid.Empty, User: "");
        while (true)
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            var tenants = new List<Guid>();
            var users = new List<string>();
            await using (var lockCmd = new NpgsqlCommand(InboxStore.RecountLock, conn, tx))
            {
                lockCmd.Parameters.Add(new NpgsqlParameter { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
                lockCmd.Parameters.AddWithValue(after.Tenant);
                lockCmd.Parameters.AddWithValue(after.User);
                lockCmd.Parameters.AddWithValue(batch);
                await using var r = await lockCmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) { tenants.Add(r.GetGuid(0)); users.Add(r.GetString(1)); }
            }
            if (tenants.Count == 0) break;
            await using (var apply = new NpgsqlCommand(InboxStore.RecountApply, conn, tx))
            {
                apply.Parameters.AddWithValue(tenants.ToArray());
                apply.Parameters.AddWithValue(users.ToArray());
                fixedUsers += await apply.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            checkedUsers += tenants.Count;
            after = (tenants[^1], users[^1]);
            progress?.Invoke(checkedUsers, fixedUsers);
        }
        return (checkedUsers, fixedUsers);
    }
}

/// <summary>A validated list request.</summary>
public sealed record InboxQuery(string Status, string Archived, string? Category, int Limit, (DateTime CreatedAt, Guid Id)? After);

/// <summary>Opaque keyset cursor: the last item's created_at (microseconds) and id.</summary>
public static class InboxCursor
{
    public static string Encode(DateTime createdAt, Guid id) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"{(createdAt.ToUniversalTime() - DateTime.UnixEpoch).Ticks / 10}.{id:N}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static (DateTime CreatedAt, Guid Id)? Decode(string cursor)
    {
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var parts = Encoding.ASCII.GetString(Convert.FromBase64String(padded)).Split('.');
            if (parts.Length != 2 || !long.TryParse(parts[0], out var micros) || !Guid.TryParseExact(parts[1], "N", out var id))
                return null;
            if (micros < 0 || micros > (DateTime.MaxValue - DateTime.UnixEpoch).Ticks / 10) return null;
            return (DateTime.UnixEpoch.AddTicks(micros * 10), id);
        }
        catch (FormatException) { return null; }
    }
}
