using Npgsql;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>What an erase did to the tenant's bulk jobs, and the running jobs whose file names the person (it waits for them).</summary>
public sealed record BulkErasureResult(int FilesDropped, int ErrorRowsDropped, Guid[] RunningWithPerson);

/// <summary>
/// Erase in the bulk jobs' data: the CSV files are stored (lz4-compressed, so the database cannot search them), so each
/// stored file of the tenant is read back as text and searched for the person's values; a finished job's file that
/// mentions one is dropped (the job keeps its counts, as retention leaves it), a running job's is reported so the erase
/// waits for it (it may still create notifications or a profile for the person). Rejected rows and dry-run previews that
/// mention the person go from the error report and the job.
/// </summary>
public sealed class BulkErasure(NpgsqlDataSource db, BulkJobStore jobs, BulkFileStore files)
{
    public async Task<BulkErasureResult> ForgetAsync(Guid tenantId, string[] values, CancellationToken ct)
    {
        if (values.Length == 0) return new BulkErasureResult(0, 0, []);
        var stored = new List<(Guid Id, bool Running)>();
        await using (var cmd = db.CreateCommand("""
            select j.id, j.status in ('validating', 'enqueuing') from bulk_jobs j
            where j.tenant_id = $1 and exists (select 1 from bulk_file_chunks c where c.job_id = j.id)
            """))
        {
            cmd.Parameters.AddWithValue(tenantId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) stored.Add((r.GetGuid(0), r.GetBoolean(1)));
        }
        var dropped = 0;
        var running = new List<Guid>();
        foreach (var (id, isRunning) in stored)
        {
            if (!await MentionsAsync(id, values, ct)) continue;
            if (isRunning) running.Add(id);
            else if (await files.DeleteFileAsync(id, ct) > 0) dropped++;
        }
        var errorRows = await BulkChunkWriter.ForgetErrorRowsAsync(db, tenantId, values, ct);
        await jobs.ForgetAsync(tenantId, values, ct);
        return new BulkErasureResult(dropped, errorRows, [.. running]);
    }

    /// <summary>Reads the file line by line (one 1 MB chunk in memory at a time); values never span a line.</summary>
    private async Task<bool> MentionsAsync(Guid jobId, string[] values, CancellationToken ct)
    {
        await using var stream = files.OpenRead(jobId);
        using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
        while (await reader.ReadLineAsync(ct) is { } line)
            foreach (var v in values)
                if (line.Contains(v, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
