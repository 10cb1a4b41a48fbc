using Npgsql;
using NotificationService.Contracts;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Members;

/// <summary>
/// The one writer of `members` (its secrets' statements are in MemberStore.Credentials.cs, role and status changes in
/// MemberStore.Changes.cs). Every statement names the tenant. A removed member's console sessions and links go with the
/// row (foreign keys); a lowered role or a disabled member ends them through <see cref="IMemberSessionEnder"/> (MemberAdmin).
/// </summary>
public sealed partial class MemberStore(NpgsqlDataSource db)
{
    private const string Columns =
        "tenant_id, id, email, name, role, status, password_hash is not null, totp_enabled_at is not null, created_at, last_sign_in_at";

    /// <summary>A new member (just-in-time from SSO: <see cref="MemberStatuses.Active"/>; an invitation: invited).</summary>
    public async Task<Member> CreateAsync(Guid tenantId, string email, string name, string role, CancellationToken ct,
        string status = MemberStatuses.Active)
    {
        email = MemberEmails.Normalise(email);
        role = MemberRoles.Parse(role);
        name = MemberNames.Check(name);
        await using var cmd = db.CreateCommand($"""
            insert into members (tenant_id, id, email, name, role, status) values ($1, $2, $3, $4, $5, $6)
            on conflict (tenant_id, email) do nothing returning {Columns}
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(Uuid7.New());
        cmd.Parameters.AddWithValue(email);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(role);
        cmd.Parameters.AddWithValue(status);
        return await ReadOneAsync(cmd, ct) ?? throw new ConflictException("A member with this email already exists.");
    }

    public async Task<Member?> FindByEmailAsync(Guid tenantId, string email, CancellationToken ct)
    {
        string normalised;
        try { normalised = MemberEmails.Normalise(email); } catch (RequestValidationException) { return null; }
        await using var cmd = db.CreateCommand($"select {Columns} from members where tenant_id = $1 and email = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(normalised);
        return await ReadOneAsync(cmd, ct);
    }

    public async Task<Member?> FindAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select {Columns} from members where tenant_id = $1 and id = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        return await ReadOneAsync(cmd, ct);
    }

    public async Task<IReadOnlyList<Member>> ListAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select {Columns} from members where tenant_id = $1 order by email limit 1000");
        cmd.Parameters.AddWithValue(tenantId);
        var list = new List<Member>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(Read(r));
        return list;
    }

    /// <summary>An invited member who accepted: their name, status active. Null when they were not invited (any more).</summary>
    public async Task<Member?> ActivateAsync(Guid tenantId, Guid id, string name, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            $"update members set name = $3, status = 'active' where tenant_id = $1 and id = $2 and status = 'invited' returning {Columns}");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(name);
        return await ReadOneAsync(cmd, ct);
    }

    public async Task RecordSignInAsync(Guid tenantId, Guid id, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("update members set last_sign_in_at = $3 where tenant_id = $1 and id = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(at);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<Member?> ReadOneAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    private static Member Read(NpgsqlDataReader r) =>
        new(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
        r.GetBoolean(6), r.GetBoolean(7), r.GetFieldValue<DateTimeOffset>(8), r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9));
}

public static class MemberNames
{
    public const int MaxLength = 200;

    public static string Check(string? name, string field = "name")
    {
        var n = name?.Trim() ?? "";
        if (n.Length > MaxLength || n.Any(char.IsControl))
            throw RequestValidationException.For(field, "A name of up to 200 characters, without control characters.");
        return n;
    }
}
