using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Npgsql;
using NotificationService.Infrastructure;
using NotificationService.Queue;

namespace NotificationService.Features.Bulk;

/// <summary>
/// The `bulk_csv` job: streams the stored file through CsvHelper (RFC 4180: quotes, commas, quotes
/// and newlines inside fields; CRLF or LF; BOM or not; row numbers are file lines), maps and validates each record, and commits
/// chunks with a checkpoint. A killed worker's job is rescued by the queue and resumes at the checkpoint.
/// </summary>
public sealed class BulkJobHandler(NpgsqlDataSource db, BulkFileStore files, BulkChunkWriter chunks, IConfiguration config, ILogger<BulkJobHandler> log,
    Webhooks.BulkCompletedEvents completion) : IJobHandler
{
    public const string JobKind = "bulk_csv";
    public const string QueueName = "bulk";
    public string Kind => JobKind;
    private readonly int _chunkRows = config.GetValue("Bulk:ChunkRows", 5_000);
    private readonly long _maxRows = config.GetValue("Bulk:MaxRows", 10_000_000L);

    public async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<Job> jobs, CancellationToken ct) =>
        await Task.WhenAll(jobs.Select(j => RunAsync(JsonDocument.Parse(j.ArgsJson).RootElement.GetProperty("job").GetGuid(), ct)));

    private async Task<JobResult> RunAsync(Guid jobId, CancellationToken ct)
    {
        var (job, resumeAt) = await StartAsync(jobId, ct);
        if (job is null) return JobResult.Done; // finished, failed or cancelled already
        try
        {
            await ProcessAsync(job, resumeAt, ct);
            return JobResult.Done;
        }
        catch (Exception e) when (e is DecoderFallbackException or CsvFormatException or BulkFileException)
        {
            await FinishAsync(jobId, "failed", e is DecoderFallbackException ? "The file is not valid UTF-8 text past the first megabyte." : e.Message, ct);
            return JobResult.Done;
        }
    }

    private async Task ProcessAsync(BulkJobContext job, long resumeAt, CancellationToken ct)
    {
        var options = new CsvReaderOptions
        {
            Separator = job.Options.Delimiter[0], HasHeader = true, AllowLineBreaksInQuotes = true, TrackLineNumbers = true,
            FieldCountMismatch = CsvFieldCountHandling.Allow, // a short or long row is a rejected row, not a failed job
            MalformedData = CsvMalformedDataHandling.Recover,
        };
        await using var stream = files.OpenRead(job.JobId);
        using var csv = CsvReader.Create(stream, options, false);
        await csv.ReadHeaderAsync(ct);
        if (csv.Headers is not { Count: > 0 } headers) throw new BulkFileException("The file has no header line.");
        var mapper = new BulkRowMapper(job.Options, headers.Select(h => h.Trim()).ToList());

        long row = 0;
        var clock = Stopwatch.StartNew();
        var batch = new List<MappedRow>(_chunkRows);
        while (await csv.ReadAsync(ct))
        {
            if (++row <= resumeAt) continue; // committed before a crash: the checkpoint is exact
            if (row > _maxRows) throw new BulkFileException($"The file has more than the {_maxRows:N0}-row limit; rows after it were not sent.");
            var fields = csv.Current.ToArray();
            // The reader replaces undecodable bytes with U+FFFD; a CSV export never means that on purpose.
            if (fields.Any(f => f.Contains('\uFFFD'))) throw new BulkFileException($"The file is not valid UTF-8 text (line {csv.LineNumber}).");
            batch.Add(mapper.Map(csv.LineNumber, fields));
            if (batch.Count < _chunkRows) continue;
            if (!await chunks.CommitAsync(job, batch, row, csv.ByteOffset, ct)) return; // cancelled
            batch.Clear();
            if (row % 100_000 < _chunkRows)
                log.LogInformation("bulk job {Job}: {Rows:N0} rows, {Rate:N0} rows/s", job.JobId, row, (row - resumeAt) / clock.Elapsed.TotalSeconds);
        }
        if (batch.Count > 0 && !await chunks.CommitAsync(job, batch, row, csv.ByteOffset, ct)) return;
        await completion.CompleteAsync(job.JobId, totalRows: row, ct); // status + bulk_job.completed webhook in one transaction
    }

    private async Task<(BulkJobContext? Job, long ResumeAt)> StartAsync(Guid jobId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update bulk_jobs set status = 'enqueuing', started_at = coalesce(started_at, now()), updated_at = now()
            where id = $1 and status in ('validating', 'enqueuing')
            returning tenant_id, options::text, processed_rows
            """);
        cmd.Parameters.AddWithValue(jobId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return (null, 0);
        var options = JsonSerializer.Deserialize<BulkOptions>(r.GetString(1), JsonBody.Options)!;
        return (new BulkJobContext(jobId, r.GetGuid(0), options), r.GetInt64(2));
    }

    private async Task FinishAsync(Guid jobId, string status, string? error, CancellationToken ct, long? totalRows = null)
    {
        await using var cmd = db.CreateCommand("""
            update bulk_jobs set status = $2, error = $3, total_rows = coalesce($4, processed_rows), finished_at = now(), updated_at = now()
            where id = $1 and status = 'enqueuing'
            """);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(status);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)error ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint, Value = (object?)totalRows ?? DBNull.Value });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>A problem with the file found after it was accepted: the job ends `failed` with this reason.</summary>
public sealed class BulkFileException(string message) : Exception(message);
