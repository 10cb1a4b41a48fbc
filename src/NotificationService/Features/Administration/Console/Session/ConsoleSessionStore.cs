using System.Security.Cryptography;
using Npgsql;

namespace NotificationService.Features.Administration.Console.Session;

/// <summary>A console session: a member's (<see cref="MemberId"/>, how they signed in). The key columns (<see cref="ServiceAccountId"/>,
/// <see cref="KeyPrefix"/>) are only read from rows the retired key sign-in left, which open nothing.
/// <see cref="Kind"/> is <see cref="ConsoleSessionStore.Browser"/> (the cookie) or <see cref="ConsoleSessionStore.Api"/> (a
/// member's bearer token).</summary>
public sealed record ConsoleSession(Guid TenantId, Guid? ServiceAccountId, string? KeyPrefix, string[] Scopes, bool IsOperator,
    DateTimeOffset ExpiresAt, Guid? MemberId = null, string? Method = null, DateTimeOffset CreatedAt = default, string? Id = null,
    string Kind = ConsoleSessionStore.Browser);

/// <summary>
/// The one writer of `console_sessions`. A session token is `{tenant id}.{secret}`: the tenant leads every statement,
/// and only the secret's SHA-256 is stored.
/// </summary>
public sealed class ConsoleSessionStore(NpgsqlDataSource db, TimeProvider clock, IConfiguration config) : Members.IMemberSessionEnder
{
    /// <summary>A session's kind: a browser's cookie, or a member's token for the admin API. A lookup names the kind it
    /// accepts, so a cookie never works as a bearer token, nor a token as a cookie.</summary>
    public const string Browser = "browser", Api = "api";

    /// <summary>`Admin:SessionIdleMinutes` (30): a session unused this long is over, whatever its absolute expiry.</summary>
    public TimeSpan IdleTimeout => TimeSpan.FromMinutes(Math.Clamp(config.GetValue("Admin:SessionIdleMinutes", 30), 1, 7 * 24 * 60));

    /// <summary>last_seen_at is written at most this often per session: the idle timeout needs minutes, not every request.</summary>
    private static readonly TimeSpan SeenGranularity = TimeSpan.FromMinutes(1);

    /// <summary>A member's session (<paramref name="method"/>: password, sso, link); the token is `{tenant id}.{secret}`.</summary>
    public async Task<string> CreateForMemberAsync(Guid tenantId, Guid memberId, string method, TimeSpan lifetime, CancellationToken ct,
        string kind = Browser)
    {
        var secret = NewSecret();
        await using var cmd = db.CreateCommand("""
            insert into console_sessions (tenant_id, token_hash, member_id, method, scopes, expires_at, last_seen_at, kind)
            values ($1, $2, $3, $4, '{}', $5, $6, $7)
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(Hash(secret));
        cmd.Parameters.AddWithValue(memberId);
        cmd.Parameters.AddWithValue(method);
        cmd.Parameters.AddWithValue(clock.GetUtcNow() + lifetime);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        cmd.Parameters.AddWithValue(kind);
        await cmd.ExecuteNonQueryAsync(ct);
        return $"{tenantId:N}.{secret}";
    }

    /// <summary>A member's live sessions, newest first; <see cref="ConsoleSession.Id"/> is a short public id (not the token).</summary>
    public async Task<IReadOnlyList<ConsoleSession>> ListForMemberAsync(Guid tenantId, Guid memberId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select method, created_at, expires_at, encode(token_hash, 'hex'), kind from console_sessions
            where tenant_id = $1 and member_id = $2 and expires_at > $3 and last_seen_at > $4 order by created_at desc limit 100
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(memberId);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        cmd.Parameters.AddWithValue(clock.GetUtcNow() - IdleTimeout);
        var list = new List<ConsoleSession>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new ConsoleSession(tenantId, null, null, [], false, r.GetFieldValue<DateTimeOffset>(2), memberId, r.GetString(0),
                r.GetFieldValue<DateTimeOffset>(1), r.GetString(3)[..16], r.GetString(4)));
        return list;
    }

    /// <summary>Ends one of the member's own sessions by its public id (the first 16 hex digits of the token's hash).</summary>
    public async Task<bool> RevokeForMemberAsync(Guid tenantId, Guid memberId, string id, CancellationToken ct)
    {
        if (id.Length != 16 || !id.All(Uri.IsHexDigit)) return false;
        await using var cmd = db.CreateCommand("""
            delete from console_sessions where tenant_id = $1 and member_id = $2 and starts_with(encode(token_hash, 'hex'), $3)
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(memberId);
        cmd.Parameters.AddWithValue(id.ToLowerInvariant());
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }

    /// <summary>Every session of the member ends (a lower role, disabled): their next request on any replica is refused.</summary>
    public async Task EndAllAsync(Guid tenantId, Guid memberId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("delete from console_sessions where tenant_id = $1 and member_id = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(memberId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The public id of a session token, to mark "this session" in a member's list.</summary>
    public static string? PublicIdOf(string? token)
    {
        if (token is null || !TryParse(token, out _, out var hash)) return null;
        return Convert.ToHexStringLower(hash)[..16];
    }

    private static string NewSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The live session of a token of <paramref name="kind"/>: not expired, not idle longer than
    /// <see cref="IdleTimeout"/>; marks it seen.</summary>
    public async Task<ConsoleSession?> FindAsync(string token, CancellationToken ct, string kind = Browser)
    {
        if (!TryParse(token, out var tenantId, out var hash)) return null;
        var now = clock.GetUtcNow();
        await using var cmd = db.CreateCommand("""
            select service_account_id, key_prefix, scopes, is_operator, expires_at, member_id, method, created_at, last_seen_at from console_sessions
            where tenant_id = $1 and token_hash = $2 and expires_at > $3 and last_seen_at > $4 and kind = $5
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(hash);
        cmd.Parameters.AddWithValue(now);
        cmd.Parameters.AddWithValue(now - IdleTimeout);
        cmd.Parameters.AddWithValue(kind);
        ConsoleSession session;
        DateTimeOffset lastSeen;
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return null;
            session = new ConsoleSession(tenantId, r.IsDBNull(0) ? null : r.GetGuid(0), r.IsDBNull(1) ? null : r.GetString(1),
                r.GetFieldValue<string[]>(2), r.GetBoolean(3), r.GetFieldValue<DateTimeOffset>(4),
                r.IsDBNull(5) ? null : r.GetGuid(5), r.IsDBNull(6) ? null : r.GetString(6),
                r.GetFieldValue<DateTimeOffset>(7), Convert.ToHexStringLower(hash)[..16], kind);
            lastSeen = r.GetFieldValue<DateTimeOffset>(8);
        }
        if (now - lastSeen > SeenGranularity)
        {
            await using var seen = db.CreateCommand(
                "update console_sessions set last_seen_at = $3 where tenant_id = $1 and token_hash = $2");
            seen.Parameters.AddWithValue(tenantId);
            seen.Parameters.AddWithValue(hash);
            seen.Parameters.AddWithValue(now);
            await seen.ExecuteNonQueryAsync(ct);
        }
        return session;
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
        if (dot < 0 || !Guid.TryParseExact(token[..dot], "N", out tenantId)
            || token.Length - dot - 1 != 43) { tenantId = default; return false; }
        hash = Hash(token[(dot + 1)..]);
        return true;
    }

    private static byte[] Hash(string secret) => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(secret));
}
