using Npgsql;
using NpgsqlTypes;

namespace NotificationService.Queue;

/// <summary>
/// The producer side and the operator's view: transactional enqueue, cancel, stats, dead jobs.
/// Enqueue writes inside the caller's transaction, so a notification and its job commit together.
/// </summary>
public sealed partial class JobQueue(NpgsqlDataSource db, QueueSignals signals, CrossReplicaNotifier notifier)
{
    public JobQueue(NpgsqlDataSource db, QueueSignals signals) : this(db, signals, new CrossReplicaNotifier(db)) { }

    public const string NotifyChannel = "ns_jobs";

    /// <summary>One statement for any number of jobs. Ids come back in input order.</summary>
    public async Task<long[]> EnqueueAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IReadOnlyList<NewJob> jobs, CancellationToken ct)
    {
        if (jobs.Count == 0) return [];
        await using var cmd = new NpgsqlCommand("""
            insert into jobs (queue, kind, tenant_id, args, priority, run_at, max_attempts, units, trace_parent)
            select u.queue, u.kind, u.tenant_id, u.args, u.priority, coalesce(u.run_at, now()), u.max_attempts, u.units, u.trace_parent
            from unnest($1::text[], $2::text[], $3::uuid[], $4::jsonb[], $5::smallint[], $6::timestamptz[], $7::int[], $8::int[], $9::text[])
                 with ordinality as u(queue, kind, tenant_id, args, priority, run_at, max_attempts, units, trace_parent, ord)
            order by u.ord
            returning id
            """, conn, tx);
        AddColumns(cmd.Parameters, jobs);
        var ids = new long[jobs.Count];
        var i = 0;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) ids[i++] = r.GetInt64(0);
        return ids;
    }

    /// <summary>Call after commit: wakes local processors now, other replicas through a rate-limited NOTIFY.</summary>
    public void NotifyCommitted(IEnumerable<string> queues)
    {
        foreach (var q in queues)
        {
            signals.Signal(q);
            notifier.Notify(q);
        }
    }

    /// <summary>
    /// Cancels one unit of a job that no worker has claimed yet; false when it is running, dead or gone. A job's last
    /// unit deletes it. A group keeps its job with one unit fewer, locked until the caller's transaction ends: a claim
    /// skips locked jobs, so the worker that claims it afterwards sees what the caller changed (the cancelled
    /// notification) and skips that unit.
    /// </summary>
    public async Task<bool> CancelAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid tenantId, long jobId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            with job as (select id, units from jobs where id = $1 and tenant_id = $2 and state = 'ready' for update),
            last_unit as (delete from jobs j using job where j.id = job.id and job.units = 1),
            fewer as (update jobs j set units = job.units - 1, updated_at = now() from job where j.id = job.id and job.units > 1)
            select count(*) from job
            """, conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(tenantId);
        return (long)(await cmd.ExecuteScalarAsync(ct))! == 1;
    }

    /// <summary>Which of <paramref name="jobIds"/> a worker holds right now (state running): an erase waits until none does.</summary>
    public async Task<long[]> RunningAsync(Guid tenantId, long[] jobIds, CancellationToken ct)
    {
        if (jobIds.Length == 0) return [];
        await using var cmd = db.CreateCommand("select id from jobs where id = any($1) and tenant_id = $2 and state = 'running'");
        cmd.Parameters.AddWithValue(jobIds);
        cmd.Parameters.AddWithValue(tenantId);
        var running = new List<long>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) running.Add(r.GetInt64(0));
        return [.. running];
    }

    /// <summary>
    /// Erase: the tenant's jobs whose last error mentions one of <paramref name="values"/> (lower-cased; a provider's
    /// answer can quote the address) keep the job and its state, with the error replaced by `[erased]`.
    /// </summary>
    public async Task<int> RedactErrorsAsync(Guid tenantId, string[] values, CancellationToken ct)
    {
        if (values.Length == 0) return 0;
        await using var cmd = db.CreateCommand("""
            update jobs set last_error = '[erased]' where tenant_id = $1 and last_error is not null
              and exists (select 1 from unnest($2::text[]) v where strpos(lower(last_error), v) > 0)
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(values);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Depth per queue in units of work (for delivery queues: notifications, however they were grouped).</summary>
    public async Task<IReadOnlyList<QueueStats>> StatsAsync(Guid? tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select queue,
                   coalesce(sum(units) filter (where state = 'ready' and run_at <= now()), 0)::bigint,
                   coalesce(sum(units) filter (where state = 'ready' and run_at > now()), 0)::bigint,
                   coalesce(sum(units) filter (where state = 'running'), 0)::bigint,
                   coalesce(sum(units) filter (where state = 'dead'), 0)::bigint,
                   extract(epoch from now() - min(run_at) filter (where state = 'ready' and run_at <= now()))::float8
            from jobs where ($1::uuid is null or tenant_id = $1)
            group by queue order by queue
            """);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)tenantId ?? DBNull.Value });
        var stats = new List<QueueStats>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            stats.Add(new QueueStats(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4),
                r.IsDBNull(5) ? null : TimeSpan.FromSeconds(r.GetDouble(5))));
        return stats;
    }

    /// <summary>Dead jobs that died (last updated) before <paramref name="olderThan"/>, at most <paramref name="limit"/>; returns
    /// how many.</summary>
    public async Task<int> PurgeDeadAsync(DateTimeOffset olderThan, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            delete from jobs where id in (
                select id from jobs where state = 'dead' and updated_at < $1 order by id limit $2 for update skip locked)
            """);
        cmd.Parameters.AddWithValue(olderThan);
        cmd.Parameters.AddWithValue(limit);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<DeadJob>> ListDeadAsync(Guid? tenantId, string queue, int limit, long? afterId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            select {DeadColumns} from jobs
            where state = 'dead' and queue = $1 and ($2::uuid is null or tenant_id = $2) and id > $3
            order by id limit $4
            """);
        cmd.Parameters.AddWithValue(queue);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)tenantId ?? DBNull.Value });
        cmd.Parameters.AddWithValue(afterId ?? 0L);
        cmd.Parameters.AddWithValue(limit);
        return await ReadDeadAsync(cmd, ct);
    }

    /// <summary>
    /// dead → ready now, attempts and crashes reset: a retry is the operator's decision, so a job set aside because its
    /// handling stopped the worker gets its full count again (fix the cause first). Null when no such dead job exists for that tenant.
    /// </summary>
    public async Task<DeadJob?> RetryDeadAsync(Guid? tenantId, string queue, long jobId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await RetryDeadAsync(conn, null, tenantId, queue, jobId, ct);
    }

    /// <summary>The same inside the caller's transaction, so what the job stands for can change with it.</summary>
    public async Task<DeadJob?> RetryDeadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid? tenantId, string queue, long jobId,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            update jobs set state = 'ready', attempt = 0, crashes = 0, run_at = now(), updated_at = now()
            where id = $1 and queue = $2 and state = 'dead' and ($3::uuid is null or tenant_id = $3)
            returning {DeadColumns}
            """, conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(queue);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)tenantId ?? DBNull.Value });
        return (await ReadDeadAsync(cmd, ct)).FirstOrDefault();
    }

    /// <summary>Deletes a dead job for good (an admin's "delete"); null when no such dead job exists for that tenant.</summary>
    public async Task<DeadJob?> DeleteDeadAsync(Guid? tenantId, string queue, long jobId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            delete from jobs where id = $1 and queue = $2 and state = 'dead' and ($3::uuid is null or tenant_id = $3)
            returning {DeadColumns}
            """);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(queue);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)tenantId ?? DBNull.Value });
        return (await ReadDeadAsync(cmd, ct)).FirstOrDefault();
    }

    private const string DeadColumns = "id, queue, kind, tenant_id, args::text, attempt, last_error, updated_at, crashes";

    private static async Task<IReadOnlyList<DeadJob>> ReadDeadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<DeadJob>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new DeadJob(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetGuid(3), r.GetString(4), r.GetInt32(5),
                r.IsDBNull(6) ? null : r.GetString(6), r.GetFieldValue<DateTimeOffset>(7), r.GetInt32(8)));
        return list;
    }
}
