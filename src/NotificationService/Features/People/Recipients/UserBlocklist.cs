using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.Recipients;

/// <summary>
/// The one owner of `blocked_users`: userIds erased with `?block=true`, kept only as a keyed hash (HMAC-SHA256 of the
/// tenant id and the userId, under a key HKDF-derived from the service's secrets key, <see cref="SecretProtector.DerivedKeys"/>),
/// so a later identify, import or send naming that userId can be refused without the userId being kept anywhere.
/// A block is written under the active secrets key and found under every configured one, so rotating `Secrets:ActiveKeyId`
/// keeps earlier blocks as long as the retired key stays in `Secrets:Keys`.
/// A block and the writes it refuses serialize per (tenant, userId) on a transaction-level advisory lock
/// (<see cref="LockCommand"/>): a block takes it exclusively, a write takes it shared before it looks for the block, so a
/// write either commits before the block does (and the erase that follows removes it) or sees the block; never in between.
/// </summary>
public sealed class UserBlocklist(SecretProtector secrets)
{
    public const string Purpose = "recipients:blocked-user";
    private readonly IReadOnlyList<byte[]> _keys = secrets.DerivedKeys(Purpose);

    /// <summary>$1 tenants, $2 hashes, $3 the index of the user each hash stands for: the indexes that are blocked.</summary>
    private const string Find = """
        select distinct x.i from unnest($1::uuid[], $2::bytea[], $3::int[]) as x(tenant_id, user_hash, i)
        join blocked_users b on b.tenant_id = x.tenant_id and b.user_hash = x.user_hash
        """;

    /// <summary>$1 tenant: whether it blocked anyone at all.</summary>
    private const string AnyInTenant = "select exists (select 1 from blocked_users where tenant_id = $1)";

    /// <summary>
    /// Users hash into this many lock slots per tenant: a 1,000-profile import takes at most 64 shared locks, not 1,000 (the
    /// lock table is shared by the whole server), and a block holds back the writes of 1/64 of the tenant's users for the
    /// milliseconds its transaction takes.
    /// </summary>
    private const int LockSlots = 64;

    /// <summary>Advisory lock keys are (int, int): this pair's first half is the tenant's, its second the slot, offset so
    /// no other (int, int) lock of the service can share it. The bigint space (the migrator's) is another key space.</summary>
    private const int SlotBase = 0x0B10C000;

    /// <summary>$1 the tenant's key, $2 the slots (sorted, distinct): each taken for this transaction, shared or exclusive.</summary>
    private const string LockShared = "select count(pg_advisory_xact_lock_shared($1, s)) from unnest($2::int[]) as s";
    private const string LockExclusive = "select count(pg_advisory_xact_lock($1, s)) from unnest($2::int[]) as s";

    /// <summary>The hash under the active key: what a block stores (and what finds a running erase of the same user).</summary>
    public byte[] HashOf(Guid tenantId, string userId) => Hash(_keys[0], tenantId, userId);

    /// <summary>Blocks the user in the caller's transaction (blocking twice is one row). Waits, first, for the writes naming
    /// the user that hold the shared lock (they commit before the block, so the erase finds them), and holds back those that
    /// come after until the block commits (they see it).</summary>
    public async Task BlockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string userId, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn, tx);
        batch.BatchCommands.Add(LockCommand(tenantId, [userId], exclusive: true));
        var insert = new NpgsqlBatchCommand("insert into blocked_users (tenant_id, user_hash) values ($1, $2) on conflict do nothing");
        insert.Parameters.AddWithValue(tenantId);
        insert.Parameters.AddWithValue(HashOf(tenantId, userId));
        batch.BatchCommands.Add(insert);
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The lock a write naming <paramref name="userIds"/> takes (shared) in its transaction before the statement that looks
    /// for a block, for the caller's batch: in READ COMMITTED each statement of a batch reads what committed before it
    /// began, so the look that follows the lock sees a block committed while the lock waited.
    /// </summary>
    public static NpgsqlBatchCommand LockCommand(Guid tenantId, IEnumerable<string> userIds, bool exclusive = false)
    {
        var cmd = new NpgsqlBatchCommand(exclusive ? LockExclusive : LockShared);
        cmd.Parameters.AddWithValue(TenantLockKey(tenantId));
        cmd.Parameters.AddWithValue(userIds.Select(SlotOf).Distinct().Order().ToArray());
        return cmd;
    }

    public static int TenantLockKey(Guid tenantId) => (int)Fnv1a(tenantId.ToByteArray());

    /// <summary>A stable, unkeyed hash (the same on every replica and across restarts): a slot number says nothing of the user.</summary>
    public static int SlotOf(string userId) => SlotBase + (int)(Fnv1a(Encoding.UTF8.GetBytes(userId)) % LockSlots);

    private static uint Fnv1a(ReadOnlySpan<byte> bytes)
    {
        var h = 2166136261u;
        foreach (var b in bytes) h = (h ^ b) * 16777619u;
        return h;
    }

    /// <summary>
    /// Those of <paramref name="userIds"/> that are blocked in the tenant (none asked, none run). A tenant that never blocked
    /// anyone is answered by one index probe rather than an HMAC of every userId of a 1,000-profile import and a join of the
    /// hashes (bulk identify: 18.9 → 17.4 µs of service CPU per profile, BENCHMARKS.md). Inside a write's transaction
    /// (<paramref name="tx"/> given) the users' shared lock goes in the same round trip as the probe, ahead of it.
    /// </summary>
    public async Task<HashSet<string>> BlockedAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid tenantId,
        IReadOnlyList<string> userIds, CancellationToken ct)
    {
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        if (userIds.Count == 0) return blocked;
        await using (var any = new NpgsqlBatch(conn, tx))
        {
            if (tx is not null) any.BatchCommands.Add(LockCommand(tenantId, userIds));
            var probe = new NpgsqlBatchCommand(AnyInTenant);
            probe.Parameters.AddWithValue(tenantId);
            any.BatchCommands.Add(probe);
            await using var r = await any.ExecuteReaderAsync(ct);
            if (tx is not null) await r.NextResultAsync(ct);
            if (!await r.ReadAsync(ct) || !r.GetBoolean(0)) return blocked;
        }
        await using var cmd = new NpgsqlCommand(Find, conn, tx);
        foreach (var i in await FindAsync(cmd, userIds.Select(u => (tenantId, u)).ToList(), ct)) blocked.Add(userIds[i]);
        return blocked;
    }

    /// <summary>The statement that finds which of a delivery batch's (tenant, userId) pairs are blocked, for the caller's
    /// batch of statements (<see cref="ProfileStore.ForDeliveryAsync"/>); <see cref="ReadBlockedAsync"/> reads its rows.</summary>
    public NpgsqlBatchCommand FindCommand(IReadOnlyList<(Guid TenantId, string UserId)> users)
    {
        var cmd = new NpgsqlBatchCommand(Find);
        AddParameters(cmd.Parameters, users);
        return cmd;
    }

    public static async Task<HashSet<(Guid TenantId, string UserId)>> ReadBlockedAsync(NpgsqlDataReader r,
        IReadOnlyList<(Guid TenantId, string UserId)> users, CancellationToken ct)
    {
        var blocked = new HashSet<(Guid, string)>();
        while (await r.ReadAsync(ct)) blocked.Add(users[r.GetInt32(0)]);
        return blocked;
    }

    private async Task<List<int>> FindAsync(NpgsqlCommand cmd, IReadOnlyList<(Guid TenantId, string UserId)> users, CancellationToken ct)
    {
        AddParameters(cmd.Parameters, users);
        var found = new List<int>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) found.Add(r.GetInt32(0));
        return found;
    }

    /// <summary>$1 tenants, $2 hashes, $3 indexes: each user once per configured key (a block under a retired key still counts).</summary>
    private void AddParameters(NpgsqlParameterCollection parameters, IReadOnlyList<(Guid TenantId, string UserId)> users)
    {
        var tenants = new Guid[users.Count * _keys.Count];
        var hashes = new byte[tenants.Length][];
        var indexes = new int[tenants.Length];
        var at = 0;
        for (var i = 0; i < users.Count; i++)
            foreach (var key in _keys)
            {
                tenants[at] = users[i].TenantId;
                hashes[at] = Hash(key, users[i].TenantId, users[i].UserId);
                indexes[at++] = i;
            }
        parameters.AddWithValue(tenants);
        parameters.AddWithValue(hashes);
        parameters.AddWithValue(indexes);
    }

    /// <summary>HMAC-SHA256(key, tenant id bytes ‖ UTF-8 userId): the tenant is inside the hash, so the same userId of two
    /// tenants hashes apart.</summary>
    private static byte[] Hash(byte[] key, Guid tenantId, string userId)
    {
        var data = new byte[16 + Encoding.UTF8.GetByteCount(userId)];
        tenantId.TryWriteBytes(data);
        Encoding.UTF8.GetBytes(userId, data.AsSpan(16));
        return HMACSHA256.HashData(key, data);
    }
}
