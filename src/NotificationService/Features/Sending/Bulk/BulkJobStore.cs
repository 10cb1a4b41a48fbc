using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>Counts a chunk adds to its job.</summary>
public sealed record ChunkCounts(long FirstRow, long LastRow, long BytesRead, long Accepted, long Rejected, long Duplicates);

/// <summary>
/// The one owner of `bulk_jobs`: a job's life (validating → enqueuing → completed / failed / cancelled), its options,
/// counters and preview. Writes that must commit with other work take the caller's connection and transaction; every
/// write by a runner is fenced by its token, so a runner that lost the job (its lease expired, another took over)
/// changes nothing.
/// </summary>
public sealed class BulkJobStore(NpgsqlDataSource db)
{
    public static readonly string[] Running = ["validating", "enqueuing"];

    public async Task<long> CountRunningAsync(Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select count(*) from bulk_jobs where tenant_id = $1 and status in ('validating', 'enqueuing')");
        cmd.Parameters.AddWithValue(tenantId);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public Task CreateAsync(Guid jobId, Guid tenantId, CancellationToken ct) =>
        ExecAsync("insert into bulk_jobs (id, tenant_id, status) values ($1, $2, 'validating')", ct, jobId, tenantId);

    /// <summary>An upload refused after its row was created leaves nothing behind (its file chunks go with it).</summary>
    public Task DeleteAsync(Guid jobId, CancellationToken ct) => ExecAsync("delete from bulk_jobs where id = $1", ct, jobId);

    public async Task SetOptionsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid jobId, BulkOptions options, string fileName,
        long bytes, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "update bulk_jobs set options = $2::jsonb, file_name = $3, file_bytes = $4 where id = $1", conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(JsonSerializer.Serialize(options, JsonBody.Options));
        cmd.Parameters.AddWithValue(fileName);
        cmd.Parameters.AddWithValue(bytes);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Takes the job for a new runner (its token fences every later write); null when it is no longer running.</summary>
    public async Task<BulkJobContext?> StartAsync(Guid jobId, CancellationToken ct)
    {
        var runner = Guid.NewGuid();
        await using var cmd = db.CreateCommand("""
            update bulk_jobs set status = 'enqueuing', runner = $2, started_at = coalesce(started_at, now()), updated_at = now()
            where id = $1 and status in ('validating', 'enqueuing')
            returning tenant_id, options::text
            """);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(runner);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new BulkJobContext(jobId, r.GetGuid(0), JsonSerializer.Deserialize<BulkOptions>(r.GetString(1), JsonBody.Options)!, runner);
    }

    /// <summary>In the chunk's transaction: its range joins the checkpoint and its counts the job's; false when the runner
    /// lost the job.</summary>
    public static async Task<bool> RecordChunkAsync(NpgsqlConnection conn, NpgsqlTransaction tx, BulkJobContext job, ChunkCounts c,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            with chunk as (insert into bulk_chunks (job_id, first_row, last_row) values ($1, $2, $3))
            update bulk_jobs set processed_rows = processed_rows + ($3 - $2 + 1), bytes_read = greatest(bytes_read, $4),
                   accepted_rows = accepted_rows + $5, rejected_rows = rejected_rows + $6, duplicate_rows = duplicate_rows + $7, updated_at = now()
            where id = $1 and status = 'enqueuing' and runner = $8
            """, conn, tx);
        foreach (var v in new object[] { job.JobId, c.FirstRow, c.LastRow, c.BytesRead, c.Accepted, c.Rejected, c.Duplicates, job.Runner })
            cmd.Parameters.AddWithValue(v);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public static async Task SavePreviewAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid jobId, JsonArray preview,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("update bulk_jobs set preview = $2 where id = $1", conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = preview.ToJsonString() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>`completed`, in the caller's transaction (with its webhook); the `bulk_job.completed` data, or null when the
    /// runner lost the job.</summary>
    public static async Task<(Guid TenantId, JsonObject Data)?> CompleteAsync(NpgsqlConnection conn, NpgsqlTransaction tx,
        BulkJobContext job, long totalRows, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            update bulk_jobs set status = 'completed', error = null, total_rows = $2, finished_at = now(), updated_at = now()
            where id = $1 and status = 'enqueuing' and runner = $3
            returning tenant_id, coalesce((options->>'dryRun')::boolean, false), file_name, total_rows, accepted_rows, rejected_rows, duplicate_rows, finished_at
            """, conn, tx);
        cmd.Parameters.AddWithValue(job.JobId);
        cmd.Parameters.AddWithValue(totalRows);
        cmd.Parameters.AddWithValue(job.Runner);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return (r.GetGuid(0), new JsonObject
        {
            ["jobId"] = job.JobId.ToString(), ["status"] = "completed", ["dryRun"] = r.GetBoolean(1),
            ["fileName"] = r.IsDBNull(2) ? null : r.GetString(2),
            ["totalRows"] = r.GetInt64(3), ["acceptedRows"] = r.GetInt64(4), ["rejectedRows"] = r.GetInt64(5),
            ["duplicateRows"] = r.GetInt64(6),
            ["finishedAt"] = r.GetFieldValue<DateTimeOffset>(7).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
        });
    }

    public Task FailAsync(BulkJobContext job, string error, CancellationToken ct) => ExecAsync("""
        update bulk_jobs set status = 'failed', error = $2, total_rows = processed_rows, finished_at = now(), updated_at = now()
        where id = $1 and status = 'enqueuing' and runner = $3
        """, ct, job.JobId, error, job.Runner);

    /// <summary>False when the job is not the tenant's or has already ended.</summary>
    public async Task<bool> CancelAsync(Guid tenantId, Guid jobId, CancellationToken ct) => await ExecAsync("""
        update bulk_jobs set status = 'cancelled', finished_at = now(), updated_at = now()
        where tenant_id = $1 and id = $2 and status in ('validating', 'enqueuing')
        """, ct, tenantId, jobId) == 1;

    /// <summary>Erase: a dry run's preview, a file name or an error that mentions one of <paramref name="values"/> (lower-cased)
    /// goes.</summary>
    public Task<int> ForgetAsync(Guid tenantId, string[] values, CancellationToken ct) =>
        values.Length == 0 ? Task.FromResult(0) : ExecAsync("""
        update bulk_jobs set
            preview = case when exists (select 1 from unnest($2::text[]) v where strpos(lower(preview::text), v) > 0) then null else preview end,
            file_name = case when exists (select 1 from unnest($2::text[]) v where strpos(lower(file_name), v) > 0) then '[erased]' else file_name end,
            error = case when exists (select 1 from unnest($2::text[]) v where strpos(lower(error), v) > 0) then '[erased]' else error end
        where tenant_id = $1 and exists (select 1 from unnest($2::text[]) v
            where strpos(lower(preview::text), v) > 0 or strpos(lower(file_name), v) > 0 or strpos(lower(error), v) > 0)
        """, ct, tenantId, values);

    /// <summary>Which of <paramref name="jobIds"/> are still running (validating or enqueuing).</summary>
    public async Task<Guid[]> StillRunningAsync(Guid tenantId, Guid[] jobIds, CancellationToken ct)
    {
        if (jobIds.Length == 0) return [];
        await using var cmd = db.CreateCommand(
            "select id from bulk_jobs where tenant_id = $1 and id = any($2) and status in ('validating', 'enqueuing')");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(jobIds);
        var running = new List<Guid>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) running.Add(r.GetGuid(0));
        return [.. running];
    }

    private async Task<int> ExecAsync(string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
