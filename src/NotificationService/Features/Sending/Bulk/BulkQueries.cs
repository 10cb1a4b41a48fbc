using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Bulk;

public sealed record BulkJobStatus(Guid JobId, string Status, bool DryRun, string? FileName, long FileBytes, long? TotalRows,
    long ProcessedRows, long AcceptedRows, long RejectedRows, long DuplicateRows, double Percent, double RowsPerSecond, string? Error,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, JsonNode? Preview, string Kind = BulkOptions.SendKind);

/// <summary>A job as the list shows it: its status and the channel and template it sends with.</summary>
public sealed record BulkJobListing(BulkJobStatus Status, string? Channel, string? Template);

/// <summary>A row the job rejected: its record number, the column at fault (when one is) and why.</summary>
public sealed record RejectedRow(long RowNumber, string? Column, string Reason);

/// <summary>Progress of a bulk job, its rejected rows as a CSV report, and cancel.</summary>
public sealed class BulkQueries(NpgsqlDataSource db, BulkJobStore jobs)
{
    private const string Columns = """
        id, status, coalesce((options->>'dryRun')::boolean, false), file_name, file_bytes, total_rows, processed_rows,
        accepted_rows, rejected_rows, duplicate_rows, bytes_read, error, created_at, started_at, finished_at,
        extract(epoch from coalesce(finished_at, now()) - started_at)::float8, preview::text, options->>'channel', options->>'template',
        coalesce(options->>'kind', 'send')
        """;

    public async Task<BulkJobStatus?> GetAsync(Guid tenantId, Guid jobId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select {Columns} from bulk_jobs where tenant_id = $1 and id = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(jobId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r).Status : null;
    }

    /// <summary>
    /// The tenant's jobs newest first, whoever uploaded them (console or API), in keyset pages on (created_at, id) over
    /// the (tenant_id, created_at) index; <paramref name="before"/> is the last row of the previous page.
    /// </summary>
    public async Task<IReadOnlyList<BulkJobListing>> ListAsync(Guid tenantId, (DateTimeOffset CreatedAt, Guid Id)? before, int limit,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            select {Columns} from bulk_jobs
            where tenant_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2, $3))
            order by created_at desc, id desc limit $4
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz,
            Value = (object?)before?.CreatedAt ?? DBNull.Value });
        cmd.Parameters.AddWithValue(before?.Id ?? Guid.Empty);
        cmd.Parameters.AddWithValue(limit);
        var jobs = new List<BulkJobListing>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) jobs.Add(Read(r));
        return jobs;
    }

    private static BulkJobListing Read(NpgsqlDataReader r)
    {
        var status = r.GetString(1);
        var processed = r.GetInt64(6);
        var seconds = r.IsDBNull(15) ? 0 : r.GetDouble(15);
        var percent = status == "completed" ? 100 : r.GetInt64(4) == 0 ? 0 : Math.Round(100.0 * r.GetInt64(10) / r.GetInt64(4), 1);
        var job = new BulkJobStatus(r.GetGuid(0), status, r.GetBoolean(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetInt64(4),
            r.IsDBNull(5) ? null : r.GetInt64(5), processed, r.GetInt64(7), r.GetInt64(8), r.GetInt64(9), percent,
            seconds > 0 ? Math.Round(processed / seconds) : 0, r.IsDBNull(11) ? null : r.GetString(11),
            r.GetFieldValue<DateTimeOffset>(12), r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13),
            r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14),
            r.IsDBNull(16) ? null : JsonNode.Parse(r.GetString(16)), r.GetString(19));
        return new BulkJobListing(job, r.IsDBNull(17) ? null : r.GetString(17), r.IsDBNull(18) ? null : r.GetString(18));
    }

    /// <summary>Streams `row,column,reason,original` (original = the row's values as JSON), in row order.</summary>
    public async Task<bool> WriteErrorsCsvAsync(Guid tenantId, Guid jobId, Stream output, CancellationToken ct)
    {
        if (await GetAsync(tenantId, jobId, ct) is null) return false;
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), leaveOpen: true);
        // The file's own columns come back as columns (named as in the header), after what went wrong, so the rows can
        // be corrected in place and the file uploaded again as it is (the report's first four columns are ignored data).
        var columns = await ColumnsAsync(jobId, ct);
        await writer.WriteAsync(
            string.Join(',', new[] { "record", "line", "error_column", "error" }.Concat(columns.Select(Quote))) + "\r\n");
        await using var cmd = db.CreateCommand(
            "select row_number, line, column_name, reason, original::text from bulk_errors where job_id = $1 order by row_number");
        cmd.Parameters.AddWithValue(jobId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var original = System.Text.Json.Nodes.JsonNode.Parse(r.GetString(4))!.AsObject();
            var cells = columns.Select(c => Quote(original[c]?.GetValue<string>() ?? ""));
            await writer.WriteAsync(string.Join(',', new[] { r.GetInt64(0).ToString(), r.IsDBNull(1) ? "" : r.GetInt64(1).ToString(),
                Quote(r.IsDBNull(2) ? "" : r.GetString(2)), Quote(r.GetString(3)) }.Concat(cells)) + "\r\n");
        }
        return true;
    }

    /// <summary>The first rejected rows of a job (at most <paramref name="limit"/>, up to row <paramref name="throughRow"/>), for
    /// the dry-run preview.</summary>
    public async Task<IReadOnlyList<RejectedRow>> FirstRejectedAsync(Guid tenantId, Guid jobId, long throughRow, int limit,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select e.row_number, e.column_name, e.reason from bulk_errors e
            where e.job_id = $2 and e.row_number <= $3 and exists (select 1 from bulk_jobs j where j.id = $2 and j.tenant_id = $1)
            order by e.row_number limit $4
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(throughRow);
        cmd.Parameters.AddWithValue(limit);
        var rows = new List<RejectedRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) rows.Add(new RejectedRow(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2)));
        return rows;
    }

    public async Task CancelAsync(Guid tenantId, Guid jobId, CancellationToken ct)
    {
        if (await jobs.CancelAsync(tenantId, jobId, ct)) return;
        var job = await GetAsync(tenantId, jobId, ct) ?? throw new NotFoundException("The bulk job");
        throw new ConflictException($"The bulk job is already {job.Status}.");
    }

    /// <summary>The columns the rejected rows had, in the order first seen (jsonb keeps keys sorted, not in file order).</summary>
    private async Task<List<string>> ColumnsAsync(Guid jobId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select k from (select distinct on (k) k, row_number from bulk_errors, jsonb_object_keys(original) k where job_id = $1 order by k, row_number) c
            order by row_number, k
            """);
        cmd.Parameters.AddWithValue(jobId);
        var columns = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) columns.Add(r.GetString(0));
        return columns;
    }

    private static string Quote(string v) => v.IndexOfAny([',', '"', '\r', '\n']) < 0 ? v : $"\"{v.Replace("\"", "\"\"")}\"";
}
