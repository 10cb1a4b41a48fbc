using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Npgsql;
using NotificationService.Infrastructure;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>
/// The `bulk_csv` job: streams the stored file through CsvHelper (RFC 4180: quotes, commas, quotes
/// and newlines inside fields; CRLF or LF; BOM or not; row numbers are file lines), maps and validates each record, and commits
/// chunks, several at once, each with its row range. A killed worker's job is rescued by the queue and resumes
/// skipping exactly the committed ranges (and rebuilding from them which recipients are taken).
/// </summary>
public sealed class BulkJobHandler(NpgsqlDataSource db, BulkJobStore jobStore, BulkFileStore files, BulkChunkWriter chunks,
    IConfiguration config, ILogger<BulkJobHandler> log,
    BulkJobEnd end, BulkTemplateCheck templateCheck, ProfileImportWriter profileChunks) : JobHandler<BulkCsvJob>
{
    public const string QueueName = "bulk";
    private readonly int _chunkRows = config.GetValue("Bulk:ChunkRows", 2_000);
    private readonly long _maxRows = config.GetValue("Bulk:MaxRows", 10_000_000L);
    // One PostgreSQL backend per chunk in flight: inserting is the job's cost, and one backend uses one core.
    private readonly int _commitsInFlight = Math.Max(1, config.GetValue("Bulk:CommitsInFlight", 2));

    protected override async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<(Job Job, BulkCsvJob Args)> jobs,
        CancellationToken ct) =>
        await Task.WhenAll(jobs.Select(j => RunAsync(j.Args.BulkJobId, ct)));

    private async Task<JobResult> RunAsync(Guid jobId, CancellationToken ct)
    {
        var job = await jobStore.StartAsync(jobId, ct);
        if (job is null) return JobResult.Done; // finished, failed or cancelled already
        try
        {
            await ProcessAsync(job, ct);
        }
        catch (Exception e) when (e is DecoderFallbackException or CsvFormatException or BulkFileException)
        {
            await end.FailAsync(job,
                e is DecoderFallbackException ? "The file is not valid UTF-8 text past the first megabyte." : e.Message, ct);
        }
        return JobResult.Done;
    }

    private async Task ProcessAsync(BulkJobContext job, CancellationToken ct)
    {
        var options = new CsvReaderOptions
        {
            Separator = job.Options.Delimiter[0], HasHeader = true, AllowLineBreaksInQuotes = true, TrackLineNumbers = true,
            FieldCountMismatch = CsvFieldCountHandling.Allow, // a short or long row is a rejected row, not a failed job
            MalformedData = CsvMalformedDataHandling.Recover,
            MaxRecordSize = BulkLimits.MaxRecordBytes,
        };
        var checkpoint = await BulkCheckpoint.LoadAsync(db, job.JobId, ct);
        // Cells are cut to one byte over their limit as the file streams: a giant cell is never held, and its row is rejected.
        await using var stream = new CsvFieldCap(files.OpenRead(job.JobId), job.Options.Delimiter[0], BulkLimits.MaxCellBytes + 1);
        using var csv = CsvReader.Create(stream, options, false);
        await csv.ReadHeaderAsync(ct);
        if (csv.Headers is not { Count: > 0 } headers) throw new BulkFileException("The file has no header line.");
        var header = headers.Select(h => h.Trim()).ToList();
        IBulkRowMapper mapper;
        Func<BulkChunk, CancellationToken, Task<bool>> commit;
        if (job.Options.IsProfileImport)
        {
            // A profile import: each chunk is one set-based profile write (rows of one user are duplicates after the first,
            // so chunks committing at once never write the same profile).
            var profileMapper = new ProfileRowMapper(job.Options, header);
            (mapper, commit) = (profileMapper, (chunk, ct2) => profileChunks.CommitAsync(job, profileMapper, chunk, ct2));
        }
        else
        {
            var sendMapper = new BulkRowMapper(job.Options, header);
            if (checkpoint.CommittedRows == 0) await templateCheck.EnsureColumnsFillAsync(job, sendMapper.DataColumns, ct);
            (mapper, commit) = (sendMapper, (chunk, ct2) => chunks.CommitAsync(job, chunk, ct2));
        }
        await using var commits = new BulkCommitPipeline(commit, _commitsInFlight);
        var seen = new RecipientSet();

        long row = 0, firstRow = 0;
        var clock = Stopwatch.StartNew();
        var batch = new List<MappedRow>(_chunkRows);
        while (await NextAsync(csv, stream, ct))
        {
            if (checkpoint.IsCommitted(++row))
            {
                // committed before a crash: not sent again, but its recipient is taken (the first row of a
                // recipient sends, whichever chunk committed first); and a chunk never spans a committed range
                if (mapper.Map(row, LineOf(csv, stream), csv.Current.ToArray()).Key is { } taken) seen.Add(taken);
                if (batch.Count > 0 && !await commits.AddAsync(
                        new(firstRow, row - 1, csv.ByteOffset + stream.DroppedBytesBefore(csv.ByteOffset), batch), ct)) return;
                batch = new List<MappedRow>(_chunkRows);
                continue;
            }
            if (row > _maxRows)
                throw new BulkFileException($"The file has more than the {_maxRows:N0}-row limit; rows after it were not sent.");
            var fields = csv.Current.ToArray();
            // The reader replaces undecodable bytes with U+FFFD; a CSV export never means that on purpose.
            if (fields.Any(f => f.Contains('\uFFFD')))
                throw new BulkFileException($"The file is not valid UTF-8 text (line {LineOf(csv, stream)}).");
            if (batch.Count == 0) firstRow = row;
            var mapped = mapper.Map(row, LineOf(csv, stream), fields);
            batch.Add(mapped.Key is { } key && !seen.Add(key) ? new MappedRow.Duplicate(mapped.RowNumber) : mapped);
            if (batch.Count < _chunkRows) continue;
            if (!await commits.AddAsync(new(firstRow, row, csv.ByteOffset + stream.DroppedBytesBefore(csv.ByteOffset), batch), ct))
                return; // cancelled
            batch = new List<MappedRow>(_chunkRows);
            if (row % 100_000 < _chunkRows)
                log.LogInformation("bulk job {Job}: {Rows:N0} rows read, {Rate:N0} rows/s", job.JobId, row,
                    (row - checkpoint.CommittedRows) / clock.Elapsed.TotalSeconds);
        }
        if (batch.Count > 0 && !await commits.AddAsync(
                new(firstRow, row, csv.ByteOffset + stream.DroppedBytesBefore(csv.ByteOffset), batch), ct)) return;
        if (!await commits.CompleteAsync()) return;
        await end.CompleteAsync(job, totalRows: row, ct); // status + bulk_job.completed webhook in one transaction
    }

    private static async Task<bool> NextAsync(CsvReader csv, CsvFieldCap stream, CancellationToken ct)
    {
        try { return await csv.ReadAsync(ct); }
        catch (CsvFormatException e) when (e.Message.Contains("MaxRecordSize", StringComparison.Ordinal))
        {
            throw new BulkFileException($"The record after line {LineOf(csv, stream)} is larger than "
                + $"{BulkLimits.MaxRecordBytes / (1024 * 1024)} MB, the most one record may take; the job stopped there.");
        }
    }

    /// <summary>The file line the current record starts on: CsvHelper counts what it read, the cap knows what it skipped.</summary>
    private static long LineOf(CsvReader csv, CsvFieldCap stream) => csv.LineNumber + stream.DroppedLinesBefore(csv.ByteOffset);
}

/// <summary>A problem with the file found after it was accepted: the job ends `failed` with this reason.</summary>
public sealed class BulkFileException(string message) : Exception(message);
