using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using NotificationService.Contracts;

namespace NotificationService.Features.Administration.Platform;

/// <summary>
/// An export or import job as `GET …/exports/{jobId}` and `GET …/imports/{jobId}` show it: `queued`, `running`,
/// `succeeded` or `failed`; an import's counts or the errors that stopped it (`errors`, by field, and `detail`).
/// </summary>
public sealed record TenantConfigJobView(Guid Id, string Kind, string Status, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt, JsonNode? Result, string? Detail, IDictionary<string, string[]>? Errors, string StatusUrl,
    string? DocumentUrl);

/// <summary>A job's row as its runner reads it: whose, what, where it stands, and the import's document.</summary>
public sealed record TenantConfigJobRow(Guid TenantId, Guid Id, string Kind, string Status, byte[]? Document);

/// <summary>The owner of `tenant_config_jobs`: each export and import job, its document, and its outcome.</summary>
public sealed class TenantConfigJobStore(NpgsqlDataSource db)
{
    public const string Export = "export", Import = "import";

    /// <summary>
    /// A new job in the caller's transaction (its outbox row), or, for an export, the one already queued or running for
    /// the tenant (<c>Created</c> false).
    /// </summary>
    public async Task<(Guid Id, bool Created)> CreateAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string kind,
        byte[]? document, string requestedBy, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand("""
            insert into tenant_config_jobs (tenant_id, id, kind, status, requested_by, document) values ($1, $2, $3, 'queued', $4, $5)
            on conflict (tenant_id) where kind = 'export' and status in ('queued', 'running') do nothing
            """, conn, tx);
        var id = Uuid7.New();
        insert.Parameters.AddWithValue(tenantId);
        insert.Parameters.AddWithValue(id);
        insert.Parameters.AddWithValue(kind);
        insert.Parameters.AddWithValue(requestedBy);
        insert.Parameters.AddWithValue(NpgsqlDbType.Bytea, (object?)document ?? DBNull.Value);
        if (await insert.ExecuteNonQueryAsync(ct) == 1) return (id, true);
        await using var running = new NpgsqlCommand("""
            select id from tenant_config_jobs where tenant_id = $1 and kind = 'export' and status in ('queued', 'running')
            """, conn, tx);
        running.Parameters.AddWithValue(tenantId);
        return ((Guid)(await running.ExecuteScalarAsync(ct))!, false);
    }

    /// <summary>The tenant's job of <paramref name="kind"/>; another tenant's, or another kind's, is none.</summary>
    public async Task<TenantConfigJobView?> FindAsync(Guid tenantId, string kind, Guid id, string baseUrl, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select status, created_at, started_at, finished_at, outcome from tenant_config_jobs where tenant_id = $1 and id = $2 and kind = $3
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(kind);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var status = r.GetString(0);
        var outcome = r.IsDBNull(4) ? null : JsonNode.Parse(r.GetString(4));
        var statusUrl = $"{baseUrl}/{id}";
        return new TenantConfigJobView(id, kind, status, r.GetFieldValue<DateTimeOffset>(1), Time(r, 2), Time(r, 3),
            outcome?["result"]?.DeepClone(),
            outcome?["detail"]?.GetValue<string>(), outcome?["errors"]?.Deserialize<Dictionary<string, string[]>>(),
            statusUrl, kind == Export && status == "succeeded" ? statusUrl + "/document" : null);
    }

    /// <summary>A succeeded export's document (UTF-8 JSON), or null: no such export of the tenant, or not done.</summary>
    public async Task<(string Status, byte[]? Document)?> DocumentAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select status, case when status = 'succeeded' then document end from tenant_config_jobs
            where tenant_id = $1 and id = $2 and kind = 'export'
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return (r.GetString(0), r.IsDBNull(1) ? null : r.GetFieldValue<byte[]>(1));
    }

    /// <summary>
    /// The job's row, by its id alone: a Hangfire argument never names a tenant, so this is where the job learns its tenant;
    /// every later statement names it.
    /// </summary>
    public async Task<TenantConfigJobRow?> ForRunAsync(Guid id, bool withDocument, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select tenant_id, id, kind, status, case when $2 then document end from tenant_config_jobs where id = $1
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(withDocument);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var document = r.IsDBNull(4) ? null : r.GetFieldValue<byte[]>(4);
        return new TenantConfigJobRow(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), document);
    }

    /// <summary>Queued (or left running by a run that stopped) → running, from now.</summary>
    public Task StartAsync(Guid tenantId, Guid id, CancellationToken ct) => ExecuteAsync("""
        update tenant_config_jobs set status = 'running', started_at = now() where tenant_id = $1 and id = $2 and status in ('queued', 'running')
        """, ct, tenantId, id);

    /// <summary>Done: the export's document (its input dropped for an import), and the outcome.</summary>
    public Task FinishAsync(Guid tenantId, Guid id, bool succeeded, byte[]? document, JsonObject outcome,
        CancellationToken ct) => ExecuteAsync("""
        update tenant_config_jobs set status = $3, document = $4, outcome = $5::jsonb, finished_at = now() where tenant_id = $1 and id = $2
        """, ct, tenantId, id, succeeded ? "succeeded" : "failed", (object?)document ?? DBNull.Value, outcome.ToJsonString());

    public Task MarkEnqueuedAsync(Guid tenantId, Guid id, CancellationToken ct) => ExecuteAsync("""
        update tenant_config_jobs set job_enqueued_at = now() where tenant_id = $1 and id = $2 and job_enqueued_at is null
        """, ct, tenantId, id);

    /// <summary>Jobs whose request committed and stopped before enqueueing one, created before <paramref name="createdBefore"/>.</summary>
    public async Task<List<(Guid TenantId, Guid Id)>> WithoutJobAsync(DateTimeOffset createdBefore, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select tenant_id, id from tenant_config_jobs where job_enqueued_at is null and created_at < $1 order by created_at limit 100
            """);
        cmd.Parameters.AddWithValue(createdBefore);
        var found = new List<(Guid, Guid)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) found.Add((r.GetGuid(0), r.GetGuid(1)));
        return found;
    }

    /// <summary>Finished jobs older than <paramref name="finishedBefore"/> go, documents with them; returns how many.</summary>
    public Task<int> ExpireAsync(DateTimeOffset finishedBefore, CancellationToken ct) => ExecuteAsync("""
        delete from tenant_config_jobs where (tenant_id, id) in (select tenant_id, id from tenant_config_jobs where finished_at < $1 limit 500)
        """, ct, finishedBefore);

    private async Task<int> ExecuteAsync(string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var a in args)
            cmd.Parameters.Add(a is byte[] or DBNull
                ? new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = a }
                : new NpgsqlParameter { Value = a });
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static DateTimeOffset? Time(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
}
