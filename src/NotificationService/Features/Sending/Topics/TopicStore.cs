using Npgsql;
using NpgsqlTypes;
using NotificationService.Features.People.Inbox;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Topics;

/// <summary>
/// The one writer of `topics` and `topic_members`. A membership change locks the topic's row, changes the members
/// set-based and moves the counter by the rows it really inserted or deleted, in one transaction, so the count is exact
/// however calls interleave, and reading it is one row. Every change announces itself to the live streams
/// (<see cref="StreamAnnouncements"/>) so a connected member starts (or stops) hearing the topic's events.
/// </summary>
public sealed partial class TopicStore(NpgsqlDataSource db)
{
    public async Task<(TopicView Topic, bool Created)> UpsertAsync(Guid tenantId, string key, string? name, string? description,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql.Upsert);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)name ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)description ?? DBNull.Value);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (Read(r), r.GetBoolean(6));
    }

    public async Task<TopicView?> FindAsync(Guid tenantId, string key, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql.Find);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(key);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    public async Task<TopicView> GetAsync(Guid tenantId, string key, CancellationToken ct) =>
        await FindAsync(tenantId, key, ct) ?? throw new NotFoundException($"The topic '{key}'");

    /// <summary>
    /// Throws 404 naming the first of <paramref name="keys"/> the tenant does not have (another tenant's included).
    /// Returns the topics' member counts added up: what a send to them reaches at most (a member of two topics is one
    /// recipient, so never fewer), read from the counters, whatever the topics' size.
    /// </summary>
    public async Task<long> RequireAllAsync(Guid tenantId, IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql.Existing);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(keys.ToArray());
        var found = new HashSet<string>(StringComparer.Ordinal);
        long members = 0;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                found.Add(r.GetString(0));
                members += r.GetInt64(1);
            }
        if (keys.FirstOrDefault(k => !found.Contains(k)) is { } missing) throw new NotFoundException($"The topic '{missing}'");
        return members;
    }

    public async Task<IReadOnlyList<TopicView>> ListAsync(Guid tenantId, string? after, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql.List);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)after ?? DBNull.Value);
        cmd.Parameters.AddWithValue(limit);
        var page = new List<TopicView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) page.Add(Read(r));
        return page;
    }

    /// <summary>Adds (or with <paramref name="remove"/> removes) members; 404 when the topic does not exist.</summary>
    public async Task<MembersChanged> ChangeMembersAsync(Guid tenantId, string key, string[] userIds, bool remove, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await LockAsync(conn, tx, tenantId, key, ct);
        await using var cmd = new NpgsqlCommand(remove ? Sql.Remove : Sql.Add, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.AddWithValue(userIds);
        int changed;
        long count;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            (changed, count) = (r.GetInt32(0), r.GetInt64(1));
        }
        if (changed > 0) await AnnounceAsync(conn, tx, tenantId, key, ct);
        await tx.CommitAsync(ct);
        return new MembersChanged(key, changed, count);
    }

    /// <summary>
    /// Erase: the user leaves every topic, one topic at a time through the same locked, counted removal as the API's
    /// (so each count stays exact and live streams hear of it). Idempotent: a resumed erase finds fewer topics.
    /// </summary>
    public async Task<int> ForgetMemberAsync(Guid tenantId, string userId, CancellationToken ct)
    {
        var left = 0;
        for (IReadOnlyList<UserTopic> page; (page = await OfUserAsync(tenantId, userId, null, 1_000, ct)).Count > 0;)
            foreach (var topic in page)
            {
                try { left += (await ChangeMembersAsync(tenantId, topic.Key, [userId], remove: true, ct)).Changed; }
                catch (NotFoundException) { }   // the topic was deleted meanwhile, its members with it
            }
        return left;
    }

    /// <summary>Deletes the topic and its members; false when there was none.</summary>
    public async Task<bool> DeleteAsync(Guid tenantId, string key, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        try { await LockAsync(conn, tx, tenantId, key, ct); }
        catch (NotFoundException) { return false; }
        foreach (var sql in new[] { Sql.DeleteMembers, Sql.Delete })
        {
            await using var cmd = new NpgsqlCommand(sql, conn, tx);
            cmd.Parameters.AddWithValue(tenantId);
            cmd.Parameters.AddWithValue(key);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await AnnounceAsync(conn, tx, tenantId, key, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<TopicMember>> MembersAsync(Guid tenantId, string key, string? after, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql.Members);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)after ?? DBNull.Value);
        cmd.Parameters.AddWithValue(limit);
        var page = new List<TopicMember>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) page.Add(new TopicMember(r.GetString(0), r.GetFieldValue<DateTimeOffset>(1)));
        return page;
    }

    public async Task<IReadOnlyList<UserTopic>> OfUserAsync(Guid tenantId, string userId, string? after, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql.OfUser);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userId);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)after ?? DBNull.Value);
        cmd.Parameters.AddWithValue(limit);
        var page = new List<UserTopic>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            page.Add(new UserTopic(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetFieldValue<DateTimeOffset>(2)));
        return page;
    }

    /// <summary>Which of <paramref name="userIds"/> are members of the topic now (one statement).</summary>
    public async Task<HashSet<string>> MembersAmongAsync(Guid tenantId, string key, IReadOnlyCollection<string> userIds,
        CancellationToken ct)
    {
        var members = new HashSet<string>(StringComparer.Ordinal);
        if (userIds.Count == 0) return members;
        await using var cmd = db.CreateCommand(Sql.MembersAmong);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.AddWithValue(userIds.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) members.Add(r.GetString(0));
        return members;
    }

    private static async Task LockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string key, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Sql.Lock, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(key);
        if (await cmd.ExecuteScalarAsync(ct) is null) throw new NotFoundException($"The topic '{key}'");
    }

    private static async Task AnnounceAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string key, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Sql.Announce, conn, tx);
        cmd.Parameters.AddWithValue(StreamAnnouncements.Channel);
        cmd.Parameters.AddWithValue(StreamAnnouncements.Members(tenantId, key));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static TopicView Read(NpgsqlDataReader r) => new(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1),
        r.IsDBNull(2) ? null : r.GetString(2), r.GetInt64(3), r.GetFieldValue<DateTimeOffset>(4), r.GetFieldValue<DateTimeOffset>(5));
}
