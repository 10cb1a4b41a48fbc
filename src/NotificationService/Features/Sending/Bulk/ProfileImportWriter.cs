using Npgsql;
using NotificationService.Features.People.Recipients;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>
/// Commits one chunk of a profile import: every row's profile through bulk identify's set-based write
/// (<see cref="ProfileStore.WriteAsync(NpgsqlConnection, NpgsqlTransaction?, Guid, IReadOnlyList{ProfileWrite}, string, CancellationToken)"/>:
/// one locking read when merging, one blocked-user check, one upsert), the rows it refused (a bad field, an erased and
/// blocked user) into the error report naming their column, and the chunk's range into the checkpoint, in one transaction.
/// A merge that raced another transaction's create of the same profile runs the chunk again.
/// </summary>
public sealed class ProfileImportWriter(NpgsqlDataSource db, ProfileStore profiles)
{
    private const int MaxRaceRetries = 3;

    /// <returns>False when the job was cancelled or taken by another runner meanwhile (nothing of this chunk is kept).</returns>
    public async Task<bool> CommitAsync(BulkJobContext job, ProfileRowMapper mapper, BulkChunk chunk, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            try
            {
                return await CommitAsync(conn, tx, job, mapper, chunk, ct);
            }
            catch (ProfileWriteRaceException) when (attempt < MaxRaceRetries)
            {
                await tx.RollbackAsync(ct);
            }
        }
    }

    private async Task<bool> CommitAsync(NpgsqlConnection conn, NpgsqlTransaction tx, BulkJobContext job, ProfileRowMapper mapper,
        BulkChunk chunk, CancellationToken ct)
    {
        var rows = chunk.Rows.OfType<MappedRow.Profile>().ToList();
        var rejected = chunk.Rows.OfType<MappedRow.Rejected>().ToList();
        var written = rows.Count == 0 ? [] : await profiles.WriteAsync(conn, tx, job.TenantId, [.. rows.Select(r => r.Write)], "", ct);
        var accepted = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            if (written[i].Errors is not { } errors) { accepted++; continue; }
            var (field, messages) = errors.First();
            rejected.Add(new MappedRow.Rejected(rows[i].RowNumber, rows[i].Line, mapper.Original(rows[i].Fields),
                mapper.ColumnOf(field.Split('.')[0]), messages[0]));
        }
        if (rejected.Count > 0) await BulkChunkWriter.InsertErrorsAsync(conn, tx, job.JobId, rejected, ct);
        var counts = new ChunkCounts(chunk.FirstRow, chunk.LastRow, chunk.BytesRead, accepted, rejected.Count,
            chunk.Rows.Count(r => r is MappedRow.Duplicate));
        if (!await BulkJobStore.RecordChunkAsync(conn, tx, job, counts, ct)) { await tx.RollbackAsync(ct); return false; }
        await tx.CommitAsync(ct);
        return true;
    }
}
