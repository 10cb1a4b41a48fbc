using Npgsql;
using NpgsqlTypes;

namespace NotificationService.Queue;

/// <summary>
/// Applies a handled batch's results in one statement: completed jobs are deleted; retries get their
/// backoff; throttled jobs are postponed and given their attempt back; failed or exhausted jobs go dead;
/// a split job is deleted and its unfinished parts inserted as jobs of their own, already in their state (and with its
/// crash count: any part may have been what stopped a worker, so each is a suspect as the whole was).
/// Only rows still leased to this worker are touched: a job rescued from us belongs to someone else now.
/// </summary>
internal sealed class JobAcknowledger(NpgsqlDataSource db, QueueProcessorOptions options)
{
    // $1 the finished jobs (done or split), deleted; $3–$7 the others, one row each, updated. Two lists rather than one
    // with an outcome column: the update used to join jobs to a CTE of every acknowledged row and filter out the
    // finished ones, and its generic plan walked every running job of the queue (all workers' batches) and rescanned
    // the CTE for each: 7–12 ms an acknowledgement of 100 with 800 running, where this takes 0.5 ms (BENCHMARKS.md,
    // "Webhooks out measured warm"). `j.id = any($3)` gives the update a key to look its rows up by: joined to unnest
    // alone, its generic plan was a sequential scan of jobs (AcknowledgePlanTests).
    internal const string Sql = """
        with done as (
            delete from jobs j where j.id = any($1) and j.locked_by = $2
            returning j.id, j.queue, j.kind, j.tenant_id, j.priority, j.max_attempts, j.trace_parent, j.crashes
        ), parts as (
            insert into jobs (queue, kind, tenant_id, args, priority, state, run_at, attempt, max_attempts, last_error, trace_parent, crashes)
            select d.queue, d.kind, d.tenant_id, p.args, d.priority, p.state, now() + p.delay_ms * interval '1 millisecond',
                   p.attempt, d.max_attempts, p.error, d.trace_parent, d.crashes
            from unnest($8::bigint[], $9::jsonb[], $10::text[], $11::float8[], $12::int[], $13::text[])
                     as p(parent, args, state, delay_ms, attempt, error)
            join done d on d.id = p.parent
        )
        update jobs j set
            state = case when r.outcome = 'dead' or (r.outcome = 'retry' and j.attempt >= j.max_attempts) then 'dead' else 'ready' end,
            run_at = now() + r.delay_ms * interval '1 millisecond',
            attempt = j.attempt + r.attempt_delta,
            last_error = r.error,
            locked_by = null, locked_until = null, updated_at = now()
        from unnest($3::bigint[], $4::text[], $5::float8[], $6::int[], $7::text[]) as r(id, outcome, delay_ms, attempt_delta, error)
        where j.id = any($3) and j.id = r.id and j.locked_by = $2 and j.state = 'running'
        """;

    public async Task AcknowledgeAsync(IReadOnlyList<Job> jobs, IReadOnlyList<JobResult> results, CancellationToken ct)
    {
        var policy = options.RetryPolicyFor(jobs[0].Queue);
        var finished = new List<long>(jobs.Count);
        var others = new List<(long Id, string Outcome, double DelayMs, int AttemptDelta, string? Error)>();
        var parts = new List<(long Parent, string Args, string State, double DelayMs, int Attempt, string? Error)>();
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            switch (results[i])
            {
                case JobResult.Completed:
                    finished.Add(job.Id);
                    break;
                case JobResult.Split split:
                    finished.Add(job.Id);
                    foreach (var part in split.Parts)
                        if (Settle(job, part.Result, policy) is { } s)
                            parts.Add((job.Id, part.ArgsJson, s.State, s.DelayMs, s.Attempt, s.Error));
                    break;
                case JobResult.Retry r: others.Add((job.Id, "retry", RetryDelay(r, job, policy), 0, r.Error)); break;
                case JobResult.Throttled t: others.Add((job.Id, "throttled", t.After.TotalMilliseconds, -1, t.Error)); break;
                case JobResult.Failed f: others.Add((job.Id, "dead", 0d, 0, f.Error)); break;
                default: throw new InvalidOperationException("unknown job result");
            }
        }
        await using var cmd = db.CreateCommand(Sql);
        cmd.Parameters.AddWithValue(finished.ToArray());
        cmd.Parameters.AddWithValue(options.WorkerId);
        cmd.Parameters.AddWithValue(others.Select(o => o.Id).ToArray());
        cmd.Parameters.AddWithValue(others.Select(o => o.Outcome).ToArray());
        cmd.Parameters.AddWithValue(others.Select(o => o.DelayMs).ToArray());
        cmd.Parameters.AddWithValue(others.Select(o => o.AttemptDelta).ToArray());
        cmd.Parameters.AddWithValue(others.Select(o => o.Error).ToArray());
        cmd.Parameters.AddWithValue(parts.Select(p => p.Parent).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
            Value = parts.Select(p => p.Args).ToArray() });
        cmd.Parameters.AddWithValue(parts.Select(p => p.State).ToArray());
        cmd.Parameters.AddWithValue(parts.Select(p => p.DelayMs).ToArray());
        cmd.Parameters.AddWithValue(parts.Select(p => p.Attempt).ToArray());
        cmd.Parameters.AddWithValue(parts.Select(p => p.Error).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A part's job as the single-job path would have left it after this attempt (null: nothing left to do).</summary>
    private static (string State, double DelayMs, int Attempt, string? Error)? Settle(Job parent, JobResult result, RetryPolicy policy)
        => result switch
    {
        JobResult.Completed => null,
        JobResult.Retry r =>
            (parent.Attempt >= parent.MaxAttempts ? "dead" : "ready", RetryDelay(r, parent, policy), parent.Attempt, r.Error),
        JobResult.Throttled t => ("ready", t.After.TotalMilliseconds, parent.Attempt - 1, t.Error),
        JobResult.Failed f => ("dead", 0d, parent.Attempt, f.Error),
        _ => throw new InvalidOperationException("a split's part must be a plain result"),
    };

    private static double RetryDelay(JobResult.Retry r, Job job, RetryPolicy policy) =>
        (r.After ?? policy.NextDelay(job.Attempt, Random.Shared.NextDouble())).TotalMilliseconds;
}
