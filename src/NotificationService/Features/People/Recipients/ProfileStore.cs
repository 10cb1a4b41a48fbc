using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace NotificationService.Features.People.Recipients;

/// <summary>Which profiles a list shows: an exact (normalized) email, an exact phone, a userId prefix, or all.</summary>
public sealed record ProfileFilter(string? Email, string? Phone, string? UserIdPrefix);

/// <summary>
/// The one owner of `recipient_profiles`: reads for the API, the delivery worker (one statement per claimed batch) and
/// accept (locales), and every write (ProfileStore.Write.cs). Every statement names the tenant.
/// </summary>
public sealed partial class ProfileStore(NpgsqlDataSource db, UserBlocklist blocklist, Contracts.ChatHostCheck chatHosts)
{
    public async Task<StoredProfile?> FindAsync(Guid tenantId, string userId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql.Find);
        return await FindAsync(cmd, tenantId, userId, ct);
    }

    /// <summary>The same on the caller's connection: a workflow transition reads the profile inside its transaction, so
    /// it holds one pooled connection, not two (transitions run side by side; two each could exhaust the pool).</summary>
    public async Task<StoredProfile?> FindAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid tenantId, string userId,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Sql.Find, conn, tx);
        return await FindAsync(cmd, tenantId, userId, ct);
    }

    private static async Task<StoredProfile?> FindAsync(NpgsqlCommand cmd, Guid tenantId, string userId, CancellationToken ct)
    {
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r, 0) : null;
    }

    /// <summary>The profiles of every (tenant, userId) of a delivery batch in one statement; those without one are absent.</summary>
    public async Task<Dictionary<(Guid TenantId, string UserId), StoredProfile>> FindManyAsync(
        IReadOnlyCollection<(Guid TenantId, string UserId)> users, CancellationToken ct)
    {
        if (users.Count == 0) return [];
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(FindPairsCommand(users));
        await using var r = await batch.ExecuteReaderAsync(ct);
        return await ReadPairsAsync(r, users, ct);
    }

    /// <summary>
    /// What delivery needs of a claimed batch, in one round trip: which of <paramref name="users"/> were erased with a
    /// block (<see cref="UserBlocklist"/>), and the profiles of <paramref name="wanted"/>. Two statements were two round
    /// trips per batch for every batch with a userId in it.
    /// </summary>
    public async Task<(HashSet<(Guid TenantId, string UserId)> Blocked,
        Dictionary<(Guid TenantId, string UserId), StoredProfile> Profiles)> ForDeliveryAsync(
        IReadOnlyList<(Guid TenantId, string UserId)> users, IReadOnlyCollection<(Guid TenantId, string UserId)> wanted,
        CancellationToken ct)
    {
        if (users.Count == 0 && wanted.Count == 0) return ([], []);
        await using var batch = db.CreateBatch();
        if (users.Count > 0) batch.BatchCommands.Add(blocklist.FindCommand(users));
        if (wanted.Count > 0) batch.BatchCommands.Add(FindPairsCommand(wanted));
        await using var r = await batch.ExecuteReaderAsync(ct);
        var blocked = users.Count > 0 ? await UserBlocklist.ReadBlockedAsync(r, users, ct) : [];
        if (users.Count > 0 && wanted.Count > 0) await r.NextResultAsync(ct);
        return (blocked, wanted.Count > 0 ? await ReadPairsAsync(r, wanted, ct) : []);
    }

    private static NpgsqlBatchCommand FindPairsCommand(IReadOnlyCollection<(Guid TenantId, string UserId)> users)
    {
        var cmd = new NpgsqlBatchCommand(Sql.FindPairs);
        cmd.Parameters.AddWithValue(users.Select(u => u.TenantId).Distinct().ToArray());
        cmd.Parameters.AddWithValue(users.Select(u => u.UserId).Distinct().ToArray());
        return cmd;
    }

    private static async Task<Dictionary<(Guid TenantId, string UserId), StoredProfile>> ReadPairsAsync(NpgsqlDataReader r,
        IReadOnlyCollection<(Guid TenantId, string UserId)> users, CancellationToken ct)
    {
        var wanted = users as IReadOnlySet<(Guid, string)> ?? users.ToHashSet();
        var found = new Dictionary<(Guid, string), StoredProfile>();
        while (await r.ReadAsync(ct))
            if (wanted.Contains((r.GetGuid(0), r.GetString(1)))) found[(r.GetGuid(0), r.GetString(1))] = Read(r, 1);
        return found;
    }

    /// <summary>userId → locale for those of <paramref name="userIds"/> whose profile names one (one statement).</summary>
    public async Task<Dictionary<string, string>> LocalesAsync(Guid tenantId, IReadOnlyCollection<string> userIds, CancellationToken ct)
    {
        var locales = new Dictionary<string, string>(StringComparer.Ordinal);
        if (userIds.Count == 0) return locales;
        await using var cmd = db.CreateCommand(Sql.Locales);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userIds.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) locales[r.GetString(0)] = r.GetString(1);
        return locales;
    }

    /// <summary>A keyset page ordered by userId: <paramref name="after"/> is the last userId of the previous page.</summary>
    public async Task<IReadOnlyList<StoredProfile>> ListAsync(Guid tenantId, ProfileFilter filter, string? after, int limit,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql.List);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)after ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)filter.Email ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)filter.Phone ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)filter.UserIdPrefix ?? DBNull.Value);
        cmd.Parameters.AddWithValue(limit);
        var page = new List<StoredProfile>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) page.Add(Read(r, 0));
        return page;
    }

    /// <summary>Erase: the profile goes, in the caller's transaction (the erase job's last step). True when there was one.</summary>
    public async Task<bool> DeleteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string userId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("delete from recipient_profiles where tenant_id = $1 and user_id = $2", conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userId);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>A profile from the columns of <see cref="Sql"/>'s selects, starting at <paramref name="at"/> (user_id).</summary>
    private static StoredProfile Read(NpgsqlDataReader r, int at)
    {
        string? S(int i) => r.IsDBNull(at + i) ? null : r.GetString(at + i);
        var fields = new ProfileFields(S(1), S(2), S(3), S(4), S(5), S(6), S(7), S(10));
        return new StoredProfile(r.GetString(at), fields, r.GetFieldValue<DateTimeOffset>(at + 8), r.GetFieldValue<DateTimeOffset>(at + 9));
    }
}
