using Npgsql;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Tenancy.Tenants;

/// <summary>A tenant as the platform sees it: its lifecycle, never a key.</summary>
public sealed record TenantRecord(Guid Id, string Name, string? Slug, string Status, DateTimeOffset CreatedAt,
    DateTimeOffset? StatusChangedAt, DateTimeOffset? LastActivityAt);

public static class TenantStatuses
{
    public const string Active = "active", Suspended = "suspended";
    /// <summary>The channel a status change is announced on (payload: the tenant id), so every replica forgets its cached answer.</summary>
    public const string NotifyChannel = "tenant_status";
}

/// <summary>The platform's part of the tenants table: create with the operator's handle, list, suspend and resume.</summary>
public sealed partial class TenantStore
{
    private const string RecordColumns = """
        select t.id, t.name, t.slug, t.status, t.created_at, t.status_changed_at,
               (select max(a.last_used_at) from service_accounts a where a.tenant_id = t.id)
        from tenants t
        """;

    /// <summary>$1: the cursor (the last id of the previous page) or null; $2: a status or null; $3: the page size.</summary>
    private const string ListRecordsSql = RecordColumns + "\n" + $"""
        where t.id > coalesce($1::uuid, {KeysetBound.FirstUuid}) and ($2::text is null or t.status = $2)
        order by t.id
        limit $3
        """;

    /// <summary>
    /// A tenant made by the platform: nothing else (its first owner's access is the caller's next step). With a
    /// request key, a retry of the same request answers the tenant it made (<c>Created: false</c>); the same key with
    /// another request is a 422.
    /// </summary>
    public async Task<(Guid TenantId, bool Created)> CreateForPlatformAsync(string name, string? slug, string? requestKey,
        byte[]? requestHash, CancellationToken ct)
    {
        if (requestKey is not null && await CreatedByRequestAsync(requestKey, requestHash!, ct) is { } earlier) return (earlier, false);
        var id = Contracts.Uuid7.New();
        await using var cmd = db.CreateCommand("""
            insert into tenants (id, name, slug, creation_request_key, creation_request_hash) values ($1, $2, $3, $4, $5)
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue((object?)slug ?? DBNull.Value);
        cmd.Parameters.AddWithValue((object?)requestKey ?? DBNull.Value);
        cmd.Parameters.AddWithValue((object?)requestHash ?? DBNull.Value);
        try { await cmd.ExecuteNonQueryAsync(ct); }
        catch (PostgresException e) when (e is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "tenants_slug" })
        {
            throw RequestValidationException.For("slug", "Another tenant has this slug.", 409);
        }
        catch (PostgresException e)
            when (e is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "tenants_creation_request_key" })
        {
            // The same request, retried while the first was committing: answer what the first made.
            return (await CreatedByRequestAsync(requestKey!, requestHash!, ct)
                ?? throw new InvalidOperationException("the racing create is gone"), false);
        }
        return (id, true);
    }

    private async Task<Guid?> CreatedByRequestAsync(string requestKey, byte[] requestHash, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select id, creation_request_hash from tenants where creation_request_key = $1");
        cmd.Parameters.AddWithValue(requestKey);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        if (!r.GetFieldValue<byte[]>(1).AsSpan().SequenceEqual(requestHash))
            throw new UnprocessableException("This Idempotency-Key was already used with a different request body.");
        return r.GetGuid(0);
    }

    public async Task<TenantRecord?> FindRecordAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(RecordColumns + " where t.id = $1");
        cmd.Parameters.AddWithValue(tenantId);
        return (await ReadRecordsAsync(cmd, ct)).SingleOrDefault();
    }

    /// <summary>A page of tenants in id order (creation order: ids are UUIDv7) after <paramref name="after"/>.</summary>
    public async Task<List<TenantRecord>> ListRecordsAsync(Guid? after, string? status, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(ListRecordsSql);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(limit);
        return await ReadRecordsAsync(cmd, ct);
    }

    private static async Task<List<TenantRecord>> ReadRecordsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var records = new List<TenantRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            records.Add(new TenantRecord(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3),
                r.GetFieldValue<DateTimeOffset>(4), r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5),
                r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6)));
        return records;
    }

    /// <summary>The tenant's status now (null: no such tenant), read past every cache: what the suspension check loads.</summary>
    public async Task<string?> StatusAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select status from tenants where id = $1");
        cmd.Parameters.AddWithValue(tenantId);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>
    /// Sets the status and announces it on <see cref="TenantStatuses.NotifyChannel"/> in the same transaction, so
    /// every replica hears of it exactly when it is true. False: no such tenant.
    /// </summary>
    public async Task<bool> SetStatusAsync(Guid tenantId, string status, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var update = new NpgsqlCommand("""
            update tenants set status = $2, status_changed_at = case when status = $2 then status_changed_at else now() end where id = $1
            """, conn, tx);
        update.Parameters.AddWithValue(tenantId);
        update.Parameters.AddWithValue(status);
        if (await update.ExecuteNonQueryAsync(ct) == 0) return false;
        await using var notify = new NpgsqlCommand($"select pg_notify('{TenantStatuses.NotifyChannel}', $1::text)", conn, tx);
        notify.Parameters.AddWithValue(tenantId);
        await notify.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// The last step of a tenant's deletion, once every other table holds none of its rows: the tenant row (what still
    /// references it by a cascading key goes with it) and this replica's cached settings of it.
    /// </summary>
    public async Task DeleteTenantRowAsync(Guid tenantId, CancellationToken ct)
    {
        // Announced like a status change: every replica's suspension check then knows the tenant is gone.
        await using var cmd = db.CreateCommand($"""
            with gone as (delete from tenants where id = $1 returning id) select pg_notify('{TenantStatuses.NotifyChannel}', id::text) from gone
            """);
        cmd.Parameters.AddWithValue(tenantId);
        await cmd.ExecuteNonQueryAsync(ct);
        _defaultLocales.Remove(tenantId);
        _linkPolicies.Remove(tenantId);
    }
}
