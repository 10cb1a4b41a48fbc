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
    private const string Sql = """
        with r as (
            select * from unnest($1::bigint[], $2::text[], $3::float8[], $4::int[], $5::text[])
                as r(id, outcome, delay_ms, attempt_delta, error)
        ), done as (
            delete from jobs j using r
            where j.id = r.id and r.outcome in ('done', 'split') and j.locked_by = $6
            returning j.id, j.queue, j.kind, j.tenant_id, j.priority, j.max_attempts, j.trace_parent, j.crashes
        ), parts as (
            insert into jobs (queue, kind, tenant_id, args, priority, state, run_at, attempt, max_attempts, last_error, trace_parent, crashes)
            select d.queue, d.kind, d.tenant_id, p.args, d.priority, p.state, now() + p.delay_ms * interval '1 millisecond',
                   p.attempt, d.max_attempts, p.error, d.trace_parent, d.crashes
            from unnest($7::bigint[], $8::jsonb[], $9::text[], $10::float8[], $11::int[], $12::text[])
                     as p(parent, args, state, delay_ms, attempt, error)
            join done d on d.id = p.parent
        )
        update jobs j set
            state = case when r.outcome = 'dead' or (r.outcome = 'retry' and j.attempt >= j.max_attempts) then 'dead' else 'ready' end,
            run_at = now() + r.delay_ms * interval '1 millisecond',
            attempt = j.attempt + r.attempt_delta,
            last_error = r.error,
            locked_by = null, locked_until = null, updated_at = now()
        from r
        where j.id = r.id and r.outcome not in ('done', 'split') and j.locked_by = $6 and j.state = 'running'
        """;

    public async Task AcknowledgeAsync(IReadOnlyList<Job> jobs, IReadOnlyList<JobResult> results, CancellationToken ct)
    {
        var policy = options.RetryPolicyFor(jobs[0].Queue);
        var outcome = new string[jobs.Count];
        var delay = new double[jobs.Count];
        var delta = new int[jobs.Count];
        var error = new string?[jobs.Count];
        var parts = new List<(long Parent, string Args, string State, double DelayMs, int Attempt, string? Error)>();
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            if (results[i] is JobResult.Split split)
            {
                outcome[i] = "split";
                foreach (var part in split.Parts)
                    if (Settle(job, part.Result, policy) is { } s) parts.Add((job.Id, part.ArgsJson, s.State, s.DelayMs, s.Attempt, s.Error));
                continue;
            }
            (outcome[i], delay[i], delta[i], error[i]) = results[i] switch
            {
                JobResult.Completed => ("done", 0d, 0, (string?)null),
                JobResult.Retry r => ("retry", RetryDelay(r, job, policy), 0, r.Error),
                JobResult.Throttled t => ("throttled", t.After.TotalMilliseconds, -1, t.Error),
                JobResult.Failed f => ("dead", 0d, 0, f.Error),
                _ => throw new InvalidOperationException("unknown job result"),
            };
        }
        await using var cmd = db.CreateCommand(Sql);
        cmd.Parameters.AddWithValue(jobs.Select(j => j.Id).ToArray());
        cmd.Parameters.AddWithValue(outcome);
        cmd.Parameters.AddWithValue(delay);
        cmd.Parameters.AddWithValue(delta);
        cmd.Parameters.AddWithValue(error);
        cmd.Parameters.AddWithValue(options.WorkerId);
        cmd.Parameters.AddWithValue(parts.Select(p => p.Parent).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = parts.Select(p => p.Args).ToArray() });
        cmd.Parameters.AddWithValue(parts.Select(p => p.State).ToArray());
        cmd.Parameters.AddWithValue(parts.Select(p => p.DelayMs).ToArray());
        cmd.Parameters.AddWithValue(parts.Select(p => p.Attempt).ToArray());
        cmd.Parameters.AddWithValue(parts.Select(p => p.Error).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A part's job as the single-job path would have left it after this attempt (null: nothing left to do).</summary>
    private static (string State, double DelayMs, int Attempt, string? Error)? Settle(Job parent, JobResult result, RetryPolicy policy) => result switch
    {
        JobResult.Completed => null,
        JobResult.Retry r => (parent.Attempt >= parent.MaxAttempts ? "dead" : "ready", RetryDelay(r, parent, policy), parent.Attempt, r.Error),
        JobResult.Throttled t => ("ready", t.After.TotalMilliseconds, parent.Attempt - 1, t.Error),
        JobResult.Failed f => ("dead", 0d, parent.Attempt, f.Error),
        _ => throw new InvalidOperationException("a split's part must be a plain result"),
    };

    private static double RetryDelay(JobResult.Retry r, Job job, RetryPolicy policy) =>
        (r.After ?? policy.NextDelay(job.Attempt, Random.Shared.NextDouble())).TotalMilliseconds;
}
