using Npgsql;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Members;

/// <summary>
/// Role and status changes and removals. Each applies to the member as the caller read them (role and status unchanged
/// since), so a rule checked on that read (only an owner touches an owner) still holds when the row is written. The
/// owner invariant is the database's: `members_keep_an_owner` (migration 930) refuses, at commit and under a per-tenant
/// lock, any transaction that takes a team's last active owner away; here that refusal becomes a 409.
/// </summary>
public sealed partial class MemberStore
{
    private const string KeepsAnOwner = "members_keep_an_owner";

    /// <summary>
    /// A new role and/or status (null leaves it): the member as it is now, or null when they are gone or changed since
    /// <paramref name="before"/>.
    /// </summary>
    public Task<Member?> UpdateAsync(
        Member before, string? role, string? status, CancellationToken ct) => KeepingAnOwnerAsync(async (conn, tx) =>
    {
        await using var cmd = new NpgsqlCommand($"""
            update members set role = coalesce($3, role), status = coalesce($4, status)
            where tenant_id = $1 and id = $2 and role = $5 and status = $6 returning {Columns}
            """, conn, tx);
        cmd.Parameters.AddWithValue(before.TenantId);
        cmd.Parameters.AddWithValue(before.Id);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)role ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Text, (object?)status ?? DBNull.Value);
        cmd.Parameters.AddWithValue(before.Role);
        cmd.Parameters.AddWithValue(before.Status);
        return await ReadOneAsync(cmd, ct);
    }, ct);

    /// <summary>
    /// Removes the member as <paramref name="before"/> read them (false when gone or changed since); their sessions and
    /// links go with them (foreign keys).
    /// </summary>
    public Task<bool> DeleteAsync(Member before, CancellationToken ct) => KeepingAnOwnerAsync(async (conn, tx) =>
    {
        await using var cmd = new NpgsqlCommand(
            "delete from members where tenant_id = $1 and id = $2 and role = $3 and status = $4", conn, tx);
        cmd.Parameters.AddWithValue(before.TenantId);
        cmd.Parameters.AddWithValue(before.Id);
        cmd.Parameters.AddWithValue(before.Role);
        cmd.Parameters.AddWithValue(before.Status);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }, ct);

    /// <summary>The write in a transaction of its own, so the deferred owner check runs at this commit and its refusal is a 409.</summary>
    private async Task<T> KeepingAnOwnerAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> write, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var result = await write(conn, tx);
        try { await tx.CommitAsync(ct); }
        catch (PostgresException e) when (e.ConstraintName == KeepsAnOwner) { throw new ConflictException(e.MessageText); }
        return result;
    }
}
