using System.Security.Cryptography;
using Npgsql;

namespace NotificationService.Features.Administration.Members;

public enum LinkState { Valid, Unknown, Used, Expired, Revoked }

/// <summary>An open link's member, or why the link opens nothing.</summary>
public sealed record LinkLookup(LinkState State, Guid TenantId, Guid MemberId);

/// <summary>
/// One-time links in `member_links`: invitations (7 days) and break-glass sign-in links (15 minutes). The link is
/// `{tenant id}.{256-bit secret}`; only the secret's SHA-256 is stored, a link works once, and a new link for a member
/// revokes the member's older ones of the same purpose.
/// </summary>
public sealed class MemberLinks(NpgsqlDataSource db, TimeProvider clock)
{
    public const string Invite = "invite", SignIn = "sign_in";
    public static readonly TimeSpan InviteLifetime = TimeSpan.FromDays(7);
    public static readonly TimeSpan SignInLifetime = TimeSpan.FromMinutes(15);

    public async Task<(string Token, DateTimeOffset ExpiresAt)> CreateAsync(Guid tenantId, Guid memberId, string purpose, string createdBy,
        CancellationToken ct)
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = clock.GetUtcNow();
        var expires = now + (purpose == Invite ? InviteLifetime : SignInLifetime);
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Command("""
            update member_links set revoked_at = $4 where tenant_id = $1 and member_id = $2 and purpose = $3 and used_at is null and revoked_at is null
            """, tenantId, memberId, purpose, now));
        batch.BatchCommands.Add(Command("""
            insert into member_links (tenant_id, token_hash, member_id, purpose, created_by, created_at, expires_at) values ($1, $2, $3, $4, $5, $6, $7)
            """, tenantId, Hash(secret), memberId, purpose, createdBy, now, expires));
        await batch.ExecuteNonQueryAsync(ct);
        return ($"{tenantId:N}.{secret}", expires);
    }

    /// <summary>What a link opens, without using it (the invitation page shows its form first).</summary>
    public async Task<LinkLookup> FindAsync(string? token, string purpose, CancellationToken ct)
    {
        if (!TryParse(token, out var tenantId, out var hash)) return new(LinkState.Unknown, default, default);
        await using var cmd = db.CreateCommand("""
            select member_id, used_at is not null, revoked_at is not null, expires_at <= $4 from member_links
            where tenant_id = $1 and token_hash = $2 and purpose = $3
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(hash);
        cmd.Parameters.AddWithValue(purpose);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return new(LinkState.Unknown, tenantId, default);
        var state = r.GetBoolean(1) ? LinkState.Used
            : r.GetBoolean(2) ? LinkState.Revoked
            : r.GetBoolean(3) ? LinkState.Expired
            : LinkState.Valid;
        return new(state, tenantId, r.GetGuid(0));
    }

    /// <summary>Uses the link: true for exactly one caller, however many race with the same link.</summary>
    public async Task<bool> UseAsync(string token, string purpose, CancellationToken ct)
    {
        if (!TryParse(token, out var tenantId, out var hash)) return false;
        await using var cmd = db.CreateCommand("""
            update member_links set used_at = $4 where tenant_id = $1 and token_hash = $2 and purpose = $3
              and used_at is null and revoked_at is null and expires_at > $4
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(hash);
        cmd.Parameters.AddWithValue(purpose);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Revokes the member's open links of a purpose (an invitation withdrawn); returns how many.</summary>
    public async Task<int> RevokeAsync(Guid tenantId, Guid memberId, string purpose, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update member_links set revoked_at = $4 where tenant_id = $1 and member_id = $2 and purpose = $3 and used_at is null and revoked_at is null
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(memberId);
        cmd.Parameters.AddWithValue(purpose);
        cmd.Parameters.AddWithValue(clock.GetUtcNow());
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var v in values) command.Parameters.Add(new NpgsqlParameter { Value = v });
        return command;
    }

    private static bool TryParse(string? token, out Guid tenantId, out byte[] hash)
    {
        hash = [];
        tenantId = default;
        if (token is null || token.Length > 100) return false;
        var dot = token.IndexOf('.');
        if (dot < 0 || !Guid.TryParseExact(token[..dot], "N", out tenantId) || token.Length - dot - 1 != 43) return false;
        hash = Hash(token[(dot + 1)..]);
        return true;
    }

    private static byte[] Hash(string secret) => SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(secret));
}
