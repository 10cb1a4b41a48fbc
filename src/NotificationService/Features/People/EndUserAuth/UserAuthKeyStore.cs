using System.Security.Cryptography;
using Npgsql;
using NotificationService.Contracts;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.EndUserAuth;

/// <summary>A stored key; <see cref="Secret"/> is decrypted only inside the service, never returned after creation.</summary>
public sealed record UserAuthKey(Guid Id, Guid TenantId, string Kind, string? Kid, string? PublicKeyPem, string? JwksUrl,
    byte[]? Secret, DateTimeOffset CreatedAt);

/// <summary>
/// The one owner of `user_auth_keys`: the keys that verify a tenant's end-user tokens. HMAC secrets (the service's own
/// and the ones generated for a tenant's backend) are encrypted at rest with <see cref="SecretProtector"/>.
/// </summary>
public sealed class UserAuthKeyStore(NpgsqlDataSource db, SecretProtector protector)
{
    private const string SecretField = "secret";

    public async Task<IReadOnlyList<UserAuthKey>> ListAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select id, kind, kid, public_key_pem, jwks_url, secret_ciphertext, secret_key_id, created_at
            from user_auth_keys where tenant_id = $1 order by created_at, id
            """);
        cmd.Parameters.AddWithValue(tenantId);
        var keys = new List<UserAuthKey>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            byte[]? secret = r.IsDBNull(5) ? null
                : Convert.FromBase64String(protector.Unprotect(r.GetFieldValue<byte[]>(5), r.GetString(6))[SecretField]);
            keys.Add(new UserAuthKey(r.GetGuid(0), tenantId, r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4), secret, r.GetFieldValue<DateTimeOffset>(7)));
        }
        return keys;
    }

    public async Task<UserAuthKey> AddAsync(Guid tenantId, string kind, string? kid, string? pem, string? jwksUrl, byte[]? secret,
        CancellationToken ct)
    {
        var id = Uuid7.New();
        var (ciphertext, keyId) = secret is null
            ? (null, null)
            : protector.Protect(new Dictionary<string, string> { [SecretField] = Convert.ToBase64String(secret) });
        await using var cmd = db.CreateCommand("""
            insert into user_auth_keys (tenant_id, id, kind, kid, public_key_pem, jwks_url, secret_ciphertext, secret_key_id)
            values ($1, $2, $3, $4, $5, $6, $7, $8) returning created_at
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(kind);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)kid ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)pem ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)jwksUrl ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.Add(
            new NpgsqlParameter { Value = (object?)ciphertext ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)keyId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var created = new DateTimeOffset((DateTime)(await cmd.ExecuteScalarAsync(ct))!, TimeSpan.Zero);
        return new UserAuthKey(id, tenantId, kind, kid, pem, jwksUrl, secret, created);
    }

    /// <summary>The service's own signing key for the tenant, created on first use (one per tenant; racing creators agree).</summary>
    public async Task<UserAuthKey> ServiceKeyAsync(Guid tenantId, CancellationToken ct)
    {
        if ((await ListAsync(tenantId, ct)).FirstOrDefault(k => k.Kind == UserKeyKinds.Service) is { } existing) return existing;
        var (ciphertext, keyId) = protector.Protect(
            new Dictionary<string, string> { [SecretField] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
        await using var cmd = db.CreateCommand("""
            insert into user_auth_keys (tenant_id, id, kind, secret_ciphertext, secret_key_id) values ($1, $2, 'service', $3, $4)
            on conflict (tenant_id) where kind = 'service' do nothing
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(Uuid7.New());
        cmd.Parameters.AddWithValue(ciphertext);
        cmd.Parameters.AddWithValue(keyId);
        await cmd.ExecuteNonQueryAsync(ct);
        return (await ListAsync(tenantId, ct)).First(k => k.Kind == UserKeyKinds.Service);
    }

    /// <summary>
    /// `keys rotate`: re-encrypts every stored secret not under <paramref name="activeKeyId"/>, each a compare-and-set on
    /// the old ciphertext (safe beside live writes, safe to re-run); returns how many were re-encrypted.
    /// </summary>
    public async Task<int> RotateSecretsAsync(string activeKeyId, CancellationToken ct)
    {
        var done = 0;
        while (true)
        {
            var page = new List<(Guid Tenant, Guid Id, byte[] Cipher, string KeyId)>();
            await using (var cmd = db.CreateCommand("""
                select tenant_id, id, secret_ciphertext, secret_key_id from user_auth_keys
                where secret_ciphertext is not null and secret_key_id <> $1 limit 200
                """))
            {
                cmd.Parameters.AddWithValue(activeKeyId);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) page.Add((r.GetGuid(0), r.GetGuid(1), r.GetFieldValue<byte[]>(2), r.GetString(3)));
            }
            if (page.Count == 0) return done;
            foreach (var (tenant, id, cipher, keyId) in page)
            {
                var (fresh, freshKey) = protector.Protect(protector.Unprotect(cipher, keyId));
                await using var update = db.CreateCommand("""
                    update user_auth_keys set secret_ciphertext = $4, secret_key_id = $5
                    where tenant_id = $1 and id = $2 and secret_ciphertext = $3
                    """);
                update.Parameters.AddWithValue(tenant);
                update.Parameters.AddWithValue(id);
                update.Parameters.AddWithValue(cipher);
                update.Parameters.AddWithValue(fresh);
                update.Parameters.AddWithValue(freshKey);
                done += await update.ExecuteNonQueryAsync(ct);
            }
        }
    }

    public async Task<bool> DeleteAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("delete from user_auth_keys where tenant_id = $1 and id = $2 and kind <> 'service'");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }
}

public static class UserKeyKinds
{
    public const string Service = "service", Hs256 = "hs256", Rs256 = "rs256", Es256 = "es256", Jwks = "jwks";
    public static readonly string[] Registrable = [Hs256, Rs256, Es256, Jwks];
}
