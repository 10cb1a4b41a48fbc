using System.Collections.Concurrent;
using Npgsql;

namespace NotificationService.Queue;

/// <summary>What one rescue did: the queues that got jobs back to ready, and the jobs it made dead (set aside or exhausted).</summary>
internal sealed record Rescue(IReadOnlyList<string> ReturnedTo, IReadOnlyList<(DeadJob Job, RescueVerdict Verdict, string? Worker)> Dead);

/// <summary>
/// Leases: extends the lease of every job this worker is still running (so long jobs are not stolen), and rescues jobs
/// whose lease expired because their worker died. The rescuer is the one place that sees a worker's death, so it counts
/// it against each job the dead worker held (<c>crashes</c>) and applies the <see cref="CrashPolicy"/>: back to ready,
/// or dead when the attempts are spent or the job has stopped workers too often (set aside). That is what makes
/// delivery at-least-once, with duplicates bounded by what was in flight, without one poisonous job taking every
/// worker down in turn. A job made dead here never got its handler's answer, so the handler for its kind ends what it
/// stands for in the same transaction (<see cref="IJobHandler.OnSetAsideAsync"/>).
/// </summary>
internal sealed class LeaseKeeper(NpgsqlDataSource db, QueueProcessorOptions options, IReadOnlyDictionary<string, IJobHandler> handlers)
{
    /// <summary>
    /// Jobs whose lease expired, locked for this rescue (another replica's rescuer skips them). $1 worker, $2 the jobs
    /// it is running: a live worker whose lease extension came late (a stalled thread pool at a cold start) has not
    /// died, so its own rescuer must not count a crash against the job it is running.
    /// </summary>
    private const string SelectExpired = """
        select id, queue, kind, tenant_id, args::text, attempt, max_attempts, crashes, locked_by from jobs
        where state = 'running' and locked_until < now() and not (locked_by = $1 and id = any($2))
        order by id
        for update skip locked
        """;

    /// <summary>$1 ids, $2 new states, $3 errors: each job's verdict; one crash more each, its lease gone.</summary>
    private const string ApplyVerdicts = """
        update jobs j set state = v.state, crashes = j.crashes + 1, last_error = v.error,
                          run_at = now(), locked_by = null, locked_until = null, updated_at = now()
        from unnest($1::bigint[], $2::text[], $3::text[]) as v(id, state, error)
        where j.id = v.id
        returning j.id, j.updated_at
        """;

    private readonly ConcurrentDictionary<long, byte> _running = new();

    public void Track(IEnumerable<Job> jobs) { foreach (var j in jobs) _running[j.Id] = 0; }
    public void Untrack(IEnumerable<Job> jobs) { foreach (var j in jobs) _running.TryRemove(j.Id, out _); }

    /// <summary>
    /// $1 the jobs this worker runs, $2 the worker, $3 the lease (ms). A row another transaction holds is passed by, not
    /// waited for: it is being acknowledged (its job is over) or rescued, and a job that was not is extended next time, a
    /// third of a lease later. Waiting let this statement and an acknowledgement deadlock: its generic plan locks rows in
    /// the order of `jobs_running_lease` (lease, then place in the heap), the acknowledgement in id order, and PostgreSQL
    /// breaks a deadlock after `deadlock_timeout` (1 s) by failing one of the two. A failed acknowledgement leaves its
    /// batch running until the lease runs out: in one bench run two drains took 34 and 44 s to empty instead of 5, while
    /// an extension took 1,011 ms a call (BENCHMARKS.md, "Delivery batches of 300"). The rows it locked are then updated
    /// through the primary key.
    /// </summary>
    internal const string Extend = """
        update jobs set locked_until = now() + $3 * interval '1 millisecond'
        where id = any(array(select id from jobs where id = any($1) and locked_by = $2 and state = 'running' for update skip locked))
        """;

    public async Task ExtendAsync(CancellationToken ct)
    {
        var ids = _running.Keys.ToArray();
        if (ids.Length == 0) return;
        await using var cmd = db.CreateCommand(Extend);
        cmd.Parameters.AddWithValue(ids);
        cmd.Parameters.AddWithValue(options.WorkerId);
        cmd.Parameters.AddWithValue(options.Lease.TotalMilliseconds);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// One transaction: lock the expired jobs, judge each, write the verdicts, let the handlers end what the dead ones
    /// stand for, commit, then run what the handlers left for after the commit. A handler that throws rolls it all back:
    /// the jobs stay expired and the next rescue tries again.
    /// </summary>
    public async Task<Rescue> RescueAsync(Action<Exception> afterCommitFailed, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var npgsqlTx = await conn.BeginTransactionAsync(ct);
        var expired = new List<(DeadJob Job, int MaxAttempts, int Crashes, string? Worker)>();
        await using (var select = new NpgsqlCommand(SelectExpired, conn, npgsqlTx))
        {
            select.Parameters.AddWithValue(options.WorkerId);
            select.Parameters.AddWithValue(_running.Keys.ToArray());
            await using var r = await select.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                expired.Add((new DeadJob(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetGuid(3), r.GetString(4), r.GetInt32(5), null,
                    default, r.GetInt32(7) + 1), r.GetInt32(6), r.GetInt32(7) + 1, r.IsDBNull(8) ? null : r.GetString(8)));
        }
        if (expired.Count == 0) return new Rescue([], []);

        var verdicts = expired.Select(e => options.CrashPolicy.Judge(e.Crashes, e.Job.Attempt, e.MaxAttempts, e.Worker)).ToArray();
        var updatedAt = new Dictionary<long, DateTimeOffset>(expired.Count);
        await using (var update = new NpgsqlCommand(ApplyVerdicts, conn, npgsqlTx))
        {
            update.Parameters.AddWithValue(expired.Select(e => e.Job.Id).ToArray());
            update.Parameters.AddWithValue(verdicts.Select(v => v.State).ToArray());
            update.Parameters.AddWithValue(verdicts.Select(v => v.Error).ToArray());
            await using var r = await update.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) updatedAt[r.GetInt64(0)] = r.GetFieldValue<DateTimeOffset>(1);
        }

        var dead = expired.Select((e, i) => (Job: e.Job with { LastError = verdicts[i].Error, FailedAt = updatedAt[e.Job.Id] },
                Verdict: verdicts[i], e.Worker))
            .Where(d => d.Verdict.Dead).ToList();
        var tx = new QueueTransaction(conn, npgsqlTx);
        foreach (var kind in dead.GroupBy(d => d.Job.Kind))
            if (handlers.TryGetValue(kind.Key, out var handler))
                await handler.OnSetAsideAsync(tx, kind.Select(d => d.Job).ToList(), ct);
        await npgsqlTx.CommitAsync(ct);
        tx.RunAfterCommit(afterCommitFailed);

        var returnedTo = expired.Where((_, i) => !verdicts[i].Dead).Select(e => e.Job.Queue).Distinct().ToList();
        return new Rescue(returnedTo, dead);
    }
}
