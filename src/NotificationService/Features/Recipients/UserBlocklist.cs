using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Recipients;

/// <summary>
/// The one owner of `blocked_users`: userIds erased with `?block=true`, kept only as a keyed hash (HMAC-SHA256 of the
/// tenant id and the userId, under a key HKDF-derived from the service's secrets key, <see cref="SecretProtector.DerivedKeys"/>),
/// so a later identify, import or send naming that userId can be refused without the userId being kept anywhere.
/// A block is written under the active secrets key and found under every configured one, so rotating `Secrets:ActiveKeyId`
/// keeps earlier blocks as long as the retired key stays in `Secrets:Keys`.
/// </summary>
public sealed class UserBlocklist(NpgsqlDataSource db, SecretProtector secrets)
{
    public const string Purpose = "recipients:blocked-user";
    private readonly IReadOnlyList<byte[]> _keys = secrets.DerivedKeys(Purpose);

    /// <summary>$1 tenants, $2 hashes, $3 the index of the user each hash stands for: the indexes that are blocked.</summary>
    private const string Find = """
        select distinct x.i from unnest($1::uuid[], $2::bytea[], $3::int[]) as x(tenant_id, user_hash, i)
        join blocked_users b on b.tenant_id = x.tenant_id and b.user_hash = x.user_hash
        """;

    /// <summary>The hash under the active key: what a block stores (and what finds a running erase of the same user).</summary>
    public byte[] HashOf(Guid tenantId, string userId) => Hash(_keys[0], tenantId, userId);

    /// <summary>Blocks the user in the caller's transaction (blocking twice is one row).</summary>
    public async Task BlockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string userId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("insert into blocked_users (tenant_id, user_hash) values ($1, $2) on conflict do nothing", conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(HashOf(tenantId, userId));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Those of <paramref name="userIds"/> that are blocked in the tenant (one statement; none asked, none run).</summary>
    public async Task<HashSet<string>> BlockedAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid tenantId, IReadOnlyList<string> userIds, CancellationToken ct)
    {
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        if (userIds.Count == 0) return blocked;
        await using var cmd = new NpgsqlCommand(Find, conn, tx);
        foreach (var i in await FindAsync(cmd, userIds.Select(u => (tenantId, u)).ToList(), ct)) blocked.Add(userIds[i]);
        return blocked;
    }

    /// <summary>The blocked users among a delivery batch's (tenant, userId) pairs, in one statement.</summary>
    public async Task<HashSet<(Guid TenantId, string UserId)>> BlockedAsync(IReadOnlyList<(Guid TenantId, string UserId)> users, CancellationToken ct)
    {
        var blocked = new HashSet<(Guid, string)>();
        if (users.Count == 0) return blocked;
        await using var cmd = db.CreateCommand(Find);
        foreach (var i in await FindAsync(cmd, users, ct)) blocked.Add(users[i]);
        return blocked;
    }

    private async Task<List<int>> FindAsync(NpgsqlCommand cmd, IReadOnlyList<(Guid TenantId, string UserId)> users, CancellationToken ct)
    {
        var tenants = new List<Guid>(users.Count * _keys.Count);
        var hashes = new List<byte[]>(tenants.Capacity);
        var indexes = new List<int>(tenants.Capacity);
        for (var i = 0; i < users.Count; i++)
            foreach (var key in _keys)
            {
                tenants.Add(users[i].TenantId);
                hashes.Add(Hash(key, users[i].TenantId, users[i].UserId));
                indexes.Add(i);
            }
        cmd.Parameters.AddWithValue(tenants.ToArray());
        cmd.Parameters.AddWithValue(hashes.ToArray());
        cmd.Parameters.AddWithValue(indexes.ToArray());
        var found = new List<int>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) found.Add(r.GetInt32(0));
        return found;
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
