using System.Security.Cryptography;
using Npgsql;

namespace NotificationService.Features.Administration.Console.Session;

public sealed record ConsoleSession(Guid TenantId, Guid ServiceAccountId, string KeyPrefix, string[] Scopes, bool IsOperator, DateTimeOffset ExpiresAt);

/// <summary>
/// The one writer of `console_sessions`. A session token is `{tenant id}.{secret}`: the tenant leads every statement,
/// and only the secret's SHA-256 is stored.
/// </summary>
public sealed class ConsoleSessionStore(NpgsqlDataSource db, TimeProvider clock)
{
    public async Task<string> CreateAsync(Guid tenantId, Guid accountId, string keyPrefix, string[] scopes, bool isOperator, TimeSpan lifetime, CancellationToken ct)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using var cmd = db.CreateCommand("""
            insert into console_sessions (tenant_id, token_hash, service_account_id, key_prefix, scopes, is_operator, expires_at)
            values ($1, $2, $3, $4, $5, $6, $7)
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(Hash(secret));
        cmd.Parameters.AddWithValue(accountId);
        cmd.Parameters.AddWithValue(keyPrefix);
        cmd.Parameters.AddWithValue(scopes);
        cmd.Parameters.AddWithValue(isOperator);
        cmd.Parameters.AddWithValue(clock.GetUtcNow() + lifetime);
        await cmd.ExecuteNonQueryAsync(ct);
        return $"{tenantId:N}.{secret}";
    }

    public async Task<ConsoleSession?> FindAsync(string token, CancellationToken ct)
    {
        if (!TryParse(token, out var tenantId, out var hash)) return null;
        await using var cmd = db.CreateCommand("""
            select service_account_id, key_prefix, scopes, is_operator, expires_at from console_sessions
            where tenant_id = $1 and token_hash = $2 and expires_at > $3
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(hash);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct)
            ? new ConsoleSession(tenantId, r.GetGuid(0), r.GetString(1), r.GetFieldValue<string[]>(2), r.GetBoolean(3), r.GetFieldValue<DateTimeOffset>(4))
            : null;
    }

    /// <summary>Sign-out: the row goes, so a copied cookie is dead too (not only the browser's copy).</summary>
    public async Task DeleteAsync(string token, CancellationToken ct)
    {
        if (!TryParse(token, out var tenantId, out var hash)) return;
        await using var cmd = db.CreateCommand("delete from console_sessions where tenant_id = $1 and token_hash = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(hash);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> sessions that expired before <paramref name="expiredBefore"/>, in one short
    /// statement (the Retention feature drives it, `Retention:ConsoleSessions:Days`); returns how many went. An expired
    /// row already signs nobody in (<see cref="FindAsync"/> checks expires_at), so this only keeps the table small.
    /// </summary>
    public async Task<int> PurgeExpiredAsync(DateTimeOffset expiredBefore, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            delete from console_sessions where (tenant_id, token_hash) in (
                select tenant_id, token_hash from console_sessions where expires_at < $1 order by expires_at limit $2 for update skip locked)
            """);
        cmd.Parameters.AddWithValue(expiredBefore.UtcDateTime);
        cmd.Parameters.AddWithValue(limit);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static bool TryParse(string token, out Guid tenantId, out byte[] hash)
    {
        hash = [];
        var dot = token.IndexOf('.');
        if (dot < 0 || !Guid.TryParseExact(token[..dot], "N", out tenantId) || token.Length - dot - 1 != 43) { tenantId = default; return false; }
        hash = Hash(token[(dot + 1)..]);
        return true;
    }

    private static byte[] Hash(string secret) => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(secret));
}
