using Npgsql;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>A run of consecutive data rows (1-based record numbers) committed together, and how far into the file it ends.</summary>
public sealed record BulkChunk(long FirstRow, long LastRow, long BytesRead, List<MappedRow> Rows);

/// <summary>
/// The row ranges a job has committed. Chunks commit concurrently and may finish out of order, so the
/// checkpoint is the set of ranges; the reader asks, row by row in increasing order, whether a row was done.
/// </summary>
public sealed class BulkCheckpoint(IReadOnlyList<(long First, long Last)> committed)
{
    private int _next;

    public long CommittedRows { get; } = committed.Sum(c => c.Last - c.First + 1);

    /// <summary>Rows must be asked in increasing order (the reader's order).</summary>
    public bool IsCommitted(long row)
    {
        while (_next < committed.Count && committed[_next].Last < row) _next++;
        return _next < committed.Count && committed[_next].First <= row;
    }

    public static async Task<BulkCheckpoint> LoadAsync(NpgsqlDataSource db, Guid jobId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select first_row, last_row from bulk_chunks where job_id = $1 order by first_row");
        cmd.Parameters.AddWithValue(jobId);
        var ranges = new List<(long, long)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) ranges.Add((r.GetInt64(0), r.GetInt64(1)));
        return new BulkCheckpoint(ranges);
    }
}
