using Npgsql;
using NotificationService.Contracts;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>
/// The uploaded file, stored in PostgreSQL in 1 MB rows: written as it streams in (never whole in
/// memory), read back as a stream by whichever replica processes or resumes the job.
/// </summary>
public sealed class BulkFileStore(NpgsqlDataSource db) : IRetainedData
{
    public const int ChunkBytes = 1024 * 1024;

    public string Kind => "BulkFiles";

    public int DefaultDays => 7;

    /// <summary>
    /// The stored files of jobs that finished before the cut-off (the job, its counts and its error report stay). A
    /// chunk is 1 MB, so a batch is at most <paramref name="limit"/> / 100 chunks: large rows, few at a time.
    /// </summary>
    public async Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            delete from bulk_file_chunks c where (c.job_id, c.seq) in (
                select c2.job_id, c2.seq from bulk_jobs j join bulk_file_chunks c2 on c2.job_id = j.id
                where j.finished_at < $1 limit $2)
            """);
        cmd.Parameters.AddWithValue(olderThan);
        cmd.Parameters.AddWithValue(Math.Max(1, limit / 100));
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Erase: the stored file of a job goes (the job keeps its counts and error report, as after retention).</summary>
    public async Task<int> DeleteFileAsync(Guid jobId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("delete from bulk_file_chunks where job_id = $1");
        cmd.Parameters.AddWithValue(jobId);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Copies the upload into chunks; returns the byte count. Throws when it exceeds <paramref name="maxBytes"/>.</summary>
    public async Task<long> WriteAsync(Guid jobId, Stream upload, long maxBytes, Func<ReadOnlyMemory<byte>, Task>? inspectFirstChunk,
        CancellationToken ct)
    {
        var buffer = new byte[ChunkBytes];
        long total = 0;
        for (var seq = 0; ; seq++)
        {
            var filled = 0;
            int read;
            while (filled < buffer.Length && (read = await upload.ReadAsync(buffer.AsMemory(filled), ct)) > 0) filled += read;
            if (filled == 0) break;
            total += filled;
            if (total > maxBytes)
                throw new Infrastructure.PayloadTooLargeException($"The file is larger than the {maxBytes:N0}-byte limit.");
            if (seq == 0 && inspectFirstChunk is not null) await inspectFirstChunk(buffer.AsMemory(0, filled));
            await using var cmd = db.CreateCommand("insert into bulk_file_chunks (job_id, seq, data) values ($1, $2, $3)");
            cmd.Parameters.AddWithValue(jobId);
            cmd.Parameters.AddWithValue(seq);
            cmd.Parameters.AddWithValue(buffer.AsMemory(0, filled).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
            if (filled < buffer.Length) break;
        }
        return total;
    }

    public Stream OpenRead(Guid jobId) => new ChunkStream(db, jobId);

    /// <summary>Reads chunk after chunk; holds one chunk in memory at a time.</summary>
    private sealed class ChunkStream(NpgsqlDataSource db, Guid jobId) : Stream
    {
        private byte[] _chunk = [];
        private int _offset, _seq;
        private bool _done;

        public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct = default)
        {
            if (_offset == _chunk.Length && !_done)
            {
                await using var cmd = db.CreateCommand("select data from bulk_file_chunks where job_id = $1 and seq = $2");
                cmd.Parameters.AddWithValue(jobId);
                cmd.Parameters.AddWithValue(_seq++);
                if (await cmd.ExecuteScalarAsync(ct) is byte[] next) { _chunk = next; _offset = 0; } else _done = true;
            }
            var n = Math.Min(destination.Length, _chunk.Length - _offset);
            _chunk.AsMemory(_offset, n).CopyTo(destination);
            _offset += n;
            Position += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get; set; }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
