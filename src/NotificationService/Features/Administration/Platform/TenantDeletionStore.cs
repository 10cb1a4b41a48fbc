using Npgsql;
using NotificationService.Contracts;

namespace NotificationService.Features.Administration.Platform;

/// <summary>
/// A deletion's progress, as `GET /api/v1/platform/deletions/{id}` shows it, and its record once the tenant is gone: who
/// asked for it (`requestedBy`, the operator key's name), when, and when it completed; by then not the tenant's id.
/// </summary>
public sealed record TenantDeletionView(Guid Id, Guid? TenantId, string Status, int TablesTotal, int TablesDone,
    string? CurrentTable, long RowsDeleted,
    DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, string RequestedBy);

/// <summary>The owner of `tenant_deletions`: each deletion's progress, and its proof once the tenant is gone.</summary>
public sealed class TenantDeletionStore(NpgsqlDataSource db)
{
    /// <summary>A new deletion of the tenant, or the one already running (<c>Created</c> false).</summary>
    public async Task<(Guid Id, bool Created)> CreateAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string requestedBy,
        CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand("""
            insert into tenant_deletions (id, deleted_tenant, status, requested_by) values ($1, $2, 'running', $3)
            on conflict (deleted_tenant) where deleted_tenant is not null do nothing
            """, conn, tx);
        var id = Uuid7.New();
        insert.Parameters.AddWithValue(id);
        insert.Parameters.AddWithValue(tenantId);
        insert.Parameters.AddWithValue(requestedBy);
        if (await insert.ExecuteNonQueryAsync(ct) == 1) return (id, true);
        await using var running = new NpgsqlCommand("select id from tenant_deletions where deleted_tenant = $1", conn, tx);
        running.Parameters.AddWithValue(tenantId);
        return ((Guid)(await running.ExecuteScalarAsync(ct))!, false);
    }

    public async Task<TenantDeletionView?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select id, deleted_tenant, status, tables_total, tables_done, current_table, rows_deleted, created_at, finished_at, requested_by
            from tenant_deletions where id = $1
            """);
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new TenantDeletionView(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetGuid(1), r.GetString(2), r.GetInt32(3), r.GetInt32(4),
            r.IsDBNull(5) ? null : r.GetString(5), r.GetInt64(6), r.GetFieldValue<DateTimeOffset>(7),
            r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8),
            r.GetString(9));
    }

    /// <summary>Where the deletion is: rows deleted are added, so a run resumed after a crash keeps counting.</summary>
    public async Task ProgressAsync(Guid id, int tablesTotal, int tablesDone, string? currentTable, long rowsAdded, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update tenant_deletions set tables_total = $2, tables_done = $3, current_table = $4, rows_deleted = rows_deleted + $5
            where id = $1 and status = 'running'
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(tablesTotal);
        cmd.Parameters.AddWithValue(tablesDone);
        cmd.Parameters.AddWithValue((object?)currentTable ?? DBNull.Value);
        cmd.Parameters.AddWithValue(rowsAdded);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Done: the tenant's id leaves this row too.</summary>
    public async Task CompleteAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update tenant_deletions set status = 'completed', deleted_tenant = null, current_table = null, tables_done = tables_total, finished_at = now()
            where id = $1
            """);
        cmd.Parameters.AddWithValue(id);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A job (or the `tenants delete` command) runs this deletion: the pickup leaves it alone.</summary>
    public async Task MarkEnqueuedAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "update tenant_deletions set job_enqueued_at = now() where id = $1 and job_enqueued_at is null");
        cmd.Parameters.AddWithValue(id);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Running deletions that no job runs, created before <paramref name="createdBefore"/> (a request that committed its
    /// row and stopped before enqueueing).</summary>
    public async Task<List<Guid>> WithoutJobAsync(DateTimeOffset createdBefore, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select id from tenant_deletions where status = 'running' and job_enqueued_at is null and created_at < $1 order by created_at limit 100
            """);
        cmd.Parameters.AddWithValue(createdBefore);
        var ids = new List<Guid>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) ids.Add(r.GetGuid(0));
        return ids;
    }

    /// <summary>The tenant a running deletion is deleting (null: completed or unknown).</summary>
    public async Task<Guid?> TenantOfAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select deleted_tenant from tenant_deletions where id = $1 and status = 'running'");
        cmd.Parameters.AddWithValue(id);
        return await cmd.ExecuteScalarAsync(ct) as Guid?;
    }
}
