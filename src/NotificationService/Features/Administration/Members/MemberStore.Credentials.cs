using Npgsql;

namespace NotificationService.Features.Administration.Members;

/// <summary>The statements behind <see cref="MemberCredentials"/>: hashes and ciphertext in, hashes and ciphertext out.</summary>
public sealed partial class MemberStore
{
    public sealed record StoredTotp(byte[] Ciphertext, string KeyId, long? LastStep);

    public Task<string?> PasswordHashAsync(Guid tenantId, Guid id, CancellationToken ct) =>
        ScalarAsync<string>("select password_hash from members where tenant_id = $1 and id = $2", tenantId, id, ct);

    public Task SetPasswordHashAsync(Guid tenantId, Guid id, string hash, CancellationToken ct) =>
        ExecuteAsync("update members set password_hash = $3 where tenant_id = $1 and id = $2", tenantId, id, ct, hash);

    /// <summary>A new secret awaiting its first code: the factor is off until <see cref="AcceptTotpStepAsync"/> confirms it.</summary>
    public Task SetPendingTotpAsync(Guid tenantId, Guid id, byte[] ciphertext, string keyId, CancellationToken ct) =>
        ExecuteAsync("update members set totp_secret = $3, totp_key_id = $4, totp_enabled_at = null, totp_last_step = null where tenant_id = $1 and id = $2",
            tenantId, id, ct, ciphertext, keyId);

    /// <summary>The member's TOTP secret (encrypted): the enabled one, or with <paramref name="pending"/> the one awaiting
    /// confirmation.</summary>
    public async Task<StoredTotp?> TotpAsync(Guid tenantId, Guid id, bool pending, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select totp_secret, totp_key_id, totp_last_step from members
            where tenant_id = $1 and id = $2 and totp_secret is not null and (totp_enabled_at is null) = $3
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(pending);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct)
            ? new StoredTotp(r.GetFieldValue<byte[]>(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2))
            : null;
    }

    /// <summary>Records the time step a code matched (and enables a pending factor): false when that step or a later one was
    /// used already.</summary>
    public async Task<bool> AcceptTotpStepAsync(Guid tenantId, Guid id, long step, DateTimeOffset now, CancellationToken ct) =>
        await ExecuteAsync("""
            update members set totp_last_step = $3, totp_enabled_at = coalesce(totp_enabled_at, $4)
            where tenant_id = $1 and id = $2 and (totp_last_step is null or totp_last_step < $3)
            """, tenantId, id, ct, step, now) == 1;

    public Task SetRecoveryCodeHashesAsync(Guid tenantId, Guid id, byte[][] hashes, CancellationToken ct) =>
        ExecuteAsync("update members set recovery_code_hashes = $3 where tenant_id = $1 and id = $2", tenantId, id, ct,
            (object)hashes);   // one parameter, not the params array itself

    /// <summary>Removes one recovery code's hash: true once per code.</summary>
    public async Task<bool> UseRecoveryCodeHashAsync(Guid tenantId, Guid id, byte[] hash, CancellationToken ct) =>
        await ExecuteAsync("""
            update members set recovery_code_hashes = array_remove(recovery_code_hashes, $3) where tenant_id = $1 and id = $2 and $3 = any(recovery_code_hashes)
            """, tenantId, id, ct, hash) == 1;

    private async Task<int> ExecuteAsync(string sql, Guid tenantId, Guid id, CancellationToken ct, params object[] values)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        foreach (var v in values) cmd.Parameters.AddWithValue(v);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<T?> ScalarAsync<T>(string sql, Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        return await cmd.ExecuteScalarAsync(ct) is T value ? value : default;
    }
}
