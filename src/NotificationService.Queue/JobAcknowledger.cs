using Npgsql;

namespace NotificationService.Queue;

/// <summary>
/// Applies a handled batch's results in one statement: completed jobs are deleted; retries get their
/// backoff; throttled jobs are postponed and given their attempt back; failed or exhausted jobs go dead.
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
            where j.id = r.id and r.outcome = 'done' and j.locked_by = $6
        )
        update jobs j set
            state = case when r.outcome = 'dead' or (r.outcome = 'retry' and j.attempt >= j.max_attempts) then 'dead' else 'ready' end,
            run_at = now() + r.delay_ms * interval '1 millisecond',
            attempt = j.attempt + r.attempt_delta,
            last_error = r.error,
            locked_by = null, locked_until = null, updated_at = now()
        from r
        where j.id = r.id and r.outcome <> 'done' and j.locked_by = $6 and j.state = 'running'
        """;

    public async Task AcknowledgeAsync(IReadOnlyList<Job> jobs, IReadOnlyList<JobResult> results, CancellationToken ct)
    {
        var policy = options.RetryPolicyFor(jobs[0].Queue);
        var outcome = new string[jobs.Count];
        var delay = new double[jobs.Count];
        var delta = new int[jobs.Count];
        var error = new string?[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            (outcome[i], delay[i], delta[i], error[i]) = results[i] switch
            {
                JobResult.Completed => ("done", 0d, 0, (string?)null),
                JobResult.Retry r => ("retry", (r.After ?? policy.NextDelay(jobs[i].Attempt, Random.Shared.NextDouble())).TotalMilliseconds, 0, r.Error),
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
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
