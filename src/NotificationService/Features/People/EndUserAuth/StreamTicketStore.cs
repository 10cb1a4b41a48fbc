using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NotificationService.Contracts;

namespace NotificationService.Features.People.EndUserAuth;

/// <summary>
/// The one owner of `user_stream_tickets`: short-lived, single-use credentials for the stream (`?ticket=`), because a
/// browser's EventSource cannot send an Authorization header. Stored hashed; redeeming deletes the row, so a ticket
/// that leaked into a proxy log is already spent. The tenant is in the ticket so the lookup names it.
/// </summary>
public sealed class StreamTicketStore(NpgsqlDataSource db)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);
    private const string Prefix = "nst_";

    public async Task<(string Ticket, DateTimeOffset ExpiresAt)> IssueAsync(EndUser user, CancellationToken ct)
    {
        var secret = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        var ticket = $"{Prefix}{user.TenantId:N}_{secret}";
        var expires = DateTimeOffset.UtcNow + Lifetime;
        await using var cmd = db.CreateCommand("""
            with gone as (delete from user_stream_tickets where tenant_id = $1 and expires_at < now())
            insert into user_stream_tickets (tenant_id, ticket_hash, user_id, expires_at) values ($1, $2, $3, $4)
            """);
        cmd.Parameters.AddWithValue(user.TenantId);
        cmd.Parameters.AddWithValue(SHA256.HashData(Encoding.ASCII.GetBytes(ticket)));
        cmd.Parameters.AddWithValue(user.UserId);
        cmd.Parameters.AddWithValue(expires.UtcDateTime);
        await cmd.ExecuteNonQueryAsync(ct);
        return (ticket, expires);
    }

    /// <summary>Erase: the user's unspent tickets go.</summary>
    public async Task<int> ForgetUserAsync(Guid tenantId, string userId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("delete from user_stream_tickets where tenant_id = $1 and user_id = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userId);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The user the ticket was issued to, once; null when it is unknown, used or expired.</summary>
    public async Task<EndUser?> RedeemAsync(string ticket, CancellationToken ct)
    {
        if (!ticket.StartsWith(Prefix, StringComparison.Ordinal) || ticket.Length != Prefix.Length + 32 + 1 + 64
            || !Guid.TryParseExact(ticket.AsSpan(Prefix.Length, 32), "N", out var tenant)) return null;
        await using var cmd = db.CreateCommand(
            "delete from user_stream_tickets where tenant_id = $1 and ticket_hash = $2 returning user_id, expires_at > now()");
        cmd.Parameters.AddWithValue(tenant);
        cmd.Parameters.AddWithValue(SHA256.HashData(Encoding.ASCII.GetBytes(ticket)));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) && r.GetBoolean(1) ? new EndUser(tenant, r.GetString(0)) : null;
    }
}
