using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Privacy;

/// <summary>An erase job as its runner sees it: the checkpoint it resumes from.</summary>
/// <param name="Runner">This run's token: every write of the run is fenced by it, so a run that lost the job (its lease
/// expired and another took it over) commits nothing more.</param>
public sealed record EraseJobState(Guid TenantId, Guid Id, Guid Runner, bool Block, string Phase, EraseSubject Subject, int Match,
    Guid? Cursor, long PassErased, long[] WaitingForJobs, Guid[] WaitingForBulk, Guid[] InFlight);

/// <summary>This run no longer holds the erase job (another run took it over): what it was writing is rolled back.</summary>
public sealed class EraseJobLostException() : Exception("another run took over this erase job");

/// <summary>An erase job as the API shows it: no userId, no values, only what happened.</summary>
public sealed record EraseJobView(Guid JobId, string Status, string Phase, bool Block, JsonObject Counts, string StatusUrl,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

/// <summary>
/// The one owner of `erase_jobs`: each row is an erase's checkpoint (phase, keyset cursor, what it waits for, counts) and
/// holds the subject encrypted with the secrets key until the erase completes, when it is cleared. Writes that must
/// commit with the erased data take the caller's transaction.
/// </summary>
public sealed class EraseJobStore(NpgsqlDataSource db, SecretProtector secrets)
{
    public static readonly string[] Phases = ["collect", "files", "records", "notifications", "settle", "finish", "done"];

    /// <summary>$1 tenant, $2 id, $3 counts to add (jsonb of numbers): the row's counts plus these, key by key.</summary>
    private const string AddCounts = """
        counts = (select coalesce(jsonb_object_agg(k, coalesce((counts->>k)::bigint, 0) + coalesce(($3::jsonb->>k)::bigint, 0)), '{}')
                  from jsonb_object_keys(counts || $3::jsonb) k)
        """;

    /// <summary>
    /// $1 tenant, $2 id, $3 block, $4 subject, $5 key id, $6 user hash, $7 who asked. A user already being erased keeps its
    /// running job (which takes the block if this request asks for one): returns that job's id, and whether it is new.
    /// </summary>
    private const string Create = """
        with created as (
            insert into erase_jobs (tenant_id, id, status, block, phase, subject, subject_key_id, user_hash, requested_by)
            values ($1, $2, 'running', $3, 'collect', $4, $5, $6, $7)
            on conflict (tenant_id, user_hash) where status = 'running' do nothing
            returning id
        ), existing as (
            update erase_jobs set block = block or $3, updated_at = now()
            where tenant_id = $1 and user_hash = $6 and status = 'running' and not exists (select 1 from created)
            returning id
        )
        select id, true from created union all select id, false from existing
        """;

    public async Task<(Guid JobId, bool Created)> CreateAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid id,
        bool block, string userId, byte[] userHash, string requestedBy, CancellationToken ct)
    {
        var (subject, keyId) = secrets.Protect(EraseSubject.Of(userId).ToSecrets());
        await using var cmd = new NpgsqlCommand(Create, conn, tx);
        foreach (var v in new object[] { tenantId, id, block, subject, keyId, userHash, requestedBy }) cmd.Parameters.AddWithValue(v);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) throw new InvalidOperationException("an erase job was neither created nor found");
        return (r.GetGuid(0), r.GetBoolean(1));
    }

    /// <summary>
    /// The job's checkpoint, or null when it is not running any more (completed, not there, or, unless
    /// <paramref name="takeOver"/>, held by another run). A run takes the job over once, when it starts.
    /// </summary>
    public async Task<EraseJobState?> StartAsync(Guid tenantId, Guid id, Guid runner, bool takeOver, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update erase_jobs set runner = $3, started_at = coalesce(started_at, now()), updated_at = now()
            where tenant_id = $1 and id = $2 and status = 'running' and ($4 or runner = $3)
            returning block, phase, subject, subject_key_id, match, cursor, pass_erased, waiting_for_jobs, waiting_for_bulk, in_flight
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(runner);
        cmd.Parameters.AddWithValue(takeOver);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        var subject = EraseSubject.FromSecrets(secrets.Unprotect(r.GetFieldValue<byte[]>(2), r.GetString(3)));
        return new EraseJobState(tenantId, id, runner, r.GetBoolean(0), r.GetString(1), subject, r.GetInt16(4),
            r.IsDBNull(5) ? null : r.GetGuid(5), r.GetInt64(6),
            r.GetFieldValue<long[]>(7), r.GetFieldValue<Guid[]>(8), r.GetFieldValue<Guid[]>(9));
    }

    /// <summary>The full subject (after the profile and notifications were read) and the next phase, in the caller's transaction.</summary>
    public async Task SaveSubjectAsync(NpgsqlConnection conn, NpgsqlTransaction tx, EraseJobState job, EraseSubject subject, string phase,
        CancellationToken ct)
    {
        var (cipher, keyId) = secrets.Protect(subject.ToSecrets());
        await using var cmd = new NpgsqlCommand("""
            update erase_jobs set subject = $3, subject_key_id = $4, phase = $5, updated_at = now()
            where tenant_id = $1 and id = $2 and status = 'running' and runner = $6
            """, conn, tx);
        foreach (var v in new object[] { job.TenantId, job.Id, cipher, keyId, phase, job.Runner }) cmd.Parameters.AddWithValue(v);
        Fenced(await cmd.ExecuteNonQueryAsync(ct));
    }

    private static void Fenced(int updated) { if (updated != 1) throw new EraseJobLostException(); }

    /// <summary>Moves to <paramref name="phase"/> with counts added and what the next run waits for (bulk jobs, delivery jobs).</summary>
    public async Task AdvanceAsync(EraseJobState job, string phase, JsonObject counts, Guid[]? waitingForBulk, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            update erase_jobs set phase = $4, {AddCounts}, waiting_for_bulk = coalesce($5, waiting_for_bulk), match = 0, cursor = null, pass_erased = 0,
                updated_at = now()
            where tenant_id = $1 and id = $2 and status = 'running' and runner = $6
            """);
        cmd.Parameters.AddWithValue(job.TenantId);
        cmd.Parameters.AddWithValue(job.Id);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Jsonb, counts.ToJsonString());
        cmd.Parameters.AddWithValue(phase);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Uuid, (object?)waitingForBulk ?? DBNull.Value);
        cmd.Parameters.AddWithValue(job.Runner);
        Fenced(await cmd.ExecuteNonQueryAsync(ct));
    }

    /// <summary>
    /// In an erase batch's transaction: the keyset position (<paramref name="match"/>, <paramref name="cursor"/>), what the
    /// current pass erased so far, the counts, and the notifications that were being sent (and their delivery jobs).
    /// </summary>
    public static async Task RecordBatchAsync(NpgsqlConnection conn, NpgsqlTransaction tx, EraseJobState job, int match, Guid? cursor,
        long passErased, JsonObject counts, Guid[] inFlight, long[] jobs, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            update erase_jobs set {AddCounts}, match = $4, cursor = $5, pass_erased = $6, in_flight = in_flight || $7, waiting_for_jobs = waiting_for_jobs || $8,
                updated_at = now()
            where tenant_id = $1 and id = $2 and status = 'running' and runner = $9
            """, conn, tx);
        cmd.Parameters.AddWithValue(job.TenantId);
        cmd.Parameters.AddWithValue(job.Id);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Jsonb, counts.ToJsonString());
        cmd.Parameters.AddWithValue((short)match);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Uuid, (object?)cursor ?? DBNull.Value);
        cmd.Parameters.AddWithValue(passErased);
        cmd.Parameters.AddWithValue(inFlight);
        cmd.Parameters.AddWithValue(jobs);
        cmd.Parameters.AddWithValue(job.Runner);
        Fenced(await cmd.ExecuteNonQueryAsync(ct));
    }

    /// <summary>Done, in the caller's transaction (with the profile's deletion): the subject goes, and the userId's hash unless
    /// blocked.</summary>
    public static async Task CompleteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, EraseJobState job, JsonObject counts,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            update erase_jobs set status = 'completed', phase = 'done', {AddCounts}, subject = null, subject_key_id = null,
                user_hash = case when block then user_hash end, cursor = null, in_flight = array[]::uuid[], waiting_for_jobs = array[]::bigint[],
                waiting_for_bulk = array[]::uuid[],
                finished_at = now(), updated_at = now()
            where tenant_id = $1 and id = $2 and status = 'running' and runner = $4
            """, conn, tx);
        cmd.Parameters.AddWithValue(job.TenantId);
        cmd.Parameters.AddWithValue(job.Id);
        cmd.Parameters.AddWithValue(NpgsqlDbType.Jsonb, counts.ToJsonString());
        cmd.Parameters.AddWithValue(job.Runner);
        Fenced(await cmd.ExecuteNonQueryAsync(ct));
    }

    public async Task<EraseJobView?> GetAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select status, phase, block, counts::text, created_at, started_at, finished_at from erase_jobs where tenant_id = $1 and id = $2
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new EraseJobView(id, r.GetString(0), r.GetString(1), r.GetBoolean(2), JsonNode.Parse(r.GetString(3))!.AsObject(),
            PrivacyEndpoints.StatusUrl(id), r.GetFieldValue<DateTimeOffset>(4),
            r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6));
    }
}
