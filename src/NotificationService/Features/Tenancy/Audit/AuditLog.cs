using NotificationService.Infrastructure;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using NotificationService.Features.Tenancy.Auth;

namespace NotificationService.Features.Tenancy.Audit;

public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Action, string TargetType, string? TargetId,
    JsonNode? Before, JsonNode? After);

public sealed record AuditFilter(string? Action = null, string? TargetType = null, string? TargetId = null, string? Actor = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>
/// The one writer of `audit_log`. Admin endpoints make one call, <see cref="RecordAsync"/>, after a change succeeded.
/// It knows nothing of the features it records (they pass plain objects), so recording never creates a feature cycle.
/// </summary>
public sealed class AuditLog(NpgsqlDataSource db, ILogger<AuditLog> log)
{
    public Task RecordAsync(ClaimsPrincipal user, string action, string targetType, string? targetId, object? before, object? after,
        CancellationToken ct) =>
        RecordAsync(user, user.TenantId(), action, targetType, targetId, before, after, ct);

    /// <summary>
    /// A change made in <paramref name="tenantId"/>, which is not the caller's own tenant only when a console operator
    /// (a member of the Admin:OperatorTenant team) acted on another tenant's queue: the entry belongs to the tenant acted on,
    /// so its admins see it, and its actor says an operator did it.
    /// </summary>
    public Task RecordAsync(ClaimsPrincipal user, Guid tenantId, string action, string targetType, string? targetId,
        object? before, object? after, CancellationToken ct) =>
        RecordAsync(ActorOf(user) + (tenantId == user.TenantId() ? "" : " (operator)"), tenantId, action, targetType, targetId,
            before, after, ct);

    /// <summary>
    /// A change made to <paramref name="tenantId"/> by someone who is not one of its credentials: the platform's operator
    /// (<paramref name="actor"/> names the operator key, e.g. `platform billing-system`). The tenant's admins see it in their log.
    /// </summary>
    public async Task RecordAsync(string actor, Guid tenantId, string action, string targetType, string? targetId,
        object? before, object? after, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            insert into audit_log (tenant_id, actor, action, target_type, target_id, before, after) values ($1, $2, $3, $4, $5, $6, $7)
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(actor);
        cmd.Parameters.AddWithValue(action);
        cmd.Parameters.AddWithValue(targetType);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)targetId ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Jsonb, (object?)AuditRedaction.ToJson(before) ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Jsonb, (object?)AuditRedaction.ToJson(after) ?? DBNull.Value);
        try { await cmd.ExecuteNonQueryAsync(ct); }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException)
        {
            // The change itself committed; losing its record is logged loudly rather than turned into a failed request.
            log.LogError(e, "Audit record lost: {Action} on {TargetType} {TargetId}", action, targetType, targetId);
        }
    }

    /// <summary>
    /// Deletes up to <paramref name="limit"/> entries recorded before <paramref name="olderThan"/>, oldest first, in one
    /// short statement (the Retention feature drives it, `Retention:AuditLog:Days`); returns how many went.
    /// </summary>
    public async Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            delete from audit_log where (tenant_id, id) in (
                select tenant_id, id from audit_log where at < $1 order by at limit $2 for update skip locked)
            """);
        cmd.Parameters.AddWithValue(olderThan.UtcDateTime);
        cmd.Parameters.AddWithValue(limit);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Erase: entries of the tenant that mention one of <paramref name="values"/> (lower-cased; a suppression lifted for the
    /// person's address, a dead job's error naming it) keep their action, actor and time; the target and every string in
    /// before/after that mentions the person become `[erased]`. Admin changes are few, so this reads them in one query.
    /// </summary>
    public async Task<int> RedactAsync(Guid tenantId, string[] values, CancellationToken ct)
    {
        if (values.Length == 0) return 0;
        var found = new List<(long Id, string? Target, string? Before, string? After)>();
        await using (var select = db.CreateCommand("""
            select id, target_id, before::text, after::text from audit_log where tenant_id = $1
              and exists (select 1 from unnest($2::text[]) v
                          where strpos(lower(target_id), v) > 0 or strpos(lower(before::text), v) > 0 or strpos(lower(after::text), v) > 0)
            """))
        {
            select.Parameters.AddWithValue(tenantId);
            select.Parameters.AddWithValue(values);
            await using var r = await select.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                found.Add((r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                    r.IsDBNull(3) ? null : r.GetString(3)));
        }
        foreach (var (id, target, before, after) in found)
        {
            await using var update = db.CreateCommand(
                "update audit_log set target_id = $3, before = $4, after = $5 where tenant_id = $1 and id = $2");
            update.Parameters.AddWithValue(tenantId);
            update.Parameters.AddWithValue(id);
            update.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)AuditRedaction.Erase(target, values) ?? DBNull.Value);
            update.Parameters.AddWithValue(NpgsqlDbType.Jsonb, (object?)AuditRedaction.EraseJson(before, values) ?? DBNull.Value);
            update.Parameters.AddWithValue(NpgsqlDbType.Jsonb, (object?)AuditRedaction.EraseJson(after, values) ?? DBNull.Value);
            await update.ExecuteNonQueryAsync(ct);
        }
        return found.Count;
    }

    /// <summary>"key nsk_…" for an API call, "console nsk_…" for a console session opened with that key, and
    /// "member ada@example.com (password, 0193…)" for a person signed in to the console: their email, how they signed in,
    /// their id.</summary>
    public static string ActorOf(ClaimsPrincipal user) =>
        user.HasClaim(c => c.Type == AuthClaims.CommandLine) ? "operator (command line)"
        : user.FindFirstValue(AuthClaims.MemberEmail) is { } email
            ? $"member {email} ({user.FindFirstValue(AuthClaims.MemberMethod)}, {user.FindFirstValue(AuthClaims.MemberId)})"
            : (user.HasClaim(c => c.Type == AuthClaims.ConsoleSession) ? "console " : "key ")
                + (user.FindFirstValue(AuthClaims.KeyPrefix) ?? "unknown");

    private const string ListSql = $"""
        select id, at, actor, action, target_type, target_id, before, after
        from audit_log
        where tenant_id = $1 and id < coalesce($2::bigint, {KeysetBound.LastBigint})
          and ($3::text is null or action = $3) and ($4::text is null or target_type = $4)
          and ($5::text is null or target_id = $5) and ($6::text is null or actor = $6)
          and ($7::timestamptz is null or at >= $7) and ($8::timestamptz is null or at < $8)
        order by id desc
        limit $9
        """;

    /// <summary>Newest first; <paramref name="before"/> is the last id of the previous page (keyset, no offsets).</summary>
    public async Task<IReadOnlyList<AuditEntry>> ListAsync(Guid tenantId, AuditFilter filter, long? before, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ListSql);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Bigint, (object?)before ?? DBNull.Value);
        foreach (var text in new[] { filter.Action, filter.TargetType, filter.TargetId, filter.Actor })
            cmd.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)text ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, (object?)filter.From ?? DBNull.Value);
        cmd.Parameters.AddWithValue(NpgsqlDbType.TimestampTz, (object?)filter.To ?? DBNull.Value);
        cmd.Parameters.AddWithValue(limit);
        var entries = new List<AuditEntry>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            entries.Add(new AuditEntry(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.GetString(3), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : JsonNode.Parse(r.GetString(6)),
                r.IsDBNull(7) ? null : JsonNode.Parse(r.GetString(7))));
        return entries;
    }
}
