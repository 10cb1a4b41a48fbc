using Npgsql;
using NpgsqlTypes;

namespace NotificationService.Queue;

public sealed partial class JobQueue
{
    private readonly JobIdBlock _ids = new(db);

    /// <summary>
    /// The insert of <paramref name="jobs"/> as a command for the caller's <see cref="NpgsqlBatch"/>, with their ids
    /// (in input order) known before it runs, so the rows that name a job can go in the same batch. A batch sent outside
    /// a transaction runs in one implicit transaction: every command commits, or none. Wake the queues after it
    /// (<see cref="NotifyCommitted"/>), as after any enqueue.
    /// </summary>
    public async ValueTask<(NpgsqlBatchCommand Command, long[] Ids)> EnqueueCommandAsync(IReadOnlyList<NewJob> jobs, CancellationToken ct)
    {
        var ids = await _ids.TakeAsync(jobs.Count, ct);
        var cmd = new NpgsqlBatchCommand("""
            insert into jobs (id, queue, kind, tenant_id, args, priority, run_at, max_attempts, units, trace_parent) overriding system value
            select u.id, u.queue, u.kind, u.tenant_id, u.args, u.priority, coalesce(u.run_at, now()), u.max_attempts, u.units, u.trace_parent
            from unnest($1::bigint[], $2::text[], $3::text[], $4::uuid[], $5::jsonb[], $6::smallint[], $7::timestamptz[], $8::int[], $9::int[], $10::text[])
                 as u(id, queue, kind, tenant_id, args, priority, run_at, max_attempts, units, trace_parent)
            """);
        cmd.Parameters.AddWithValue(ids);
        AddColumns(cmd.Parameters, jobs);
        return (cmd, ids);
    }

    /// <summary>The jobs' columns as arrays, in the order both inserts name them after the id.</summary>
    private static void AddColumns(NpgsqlParameterCollection parameters, IReadOnlyList<NewJob> jobs)
    {
        parameters.AddWithValue(jobs.Select(j => j.Queue).ToArray());
        parameters.AddWithValue(jobs.Select(j => j.Kind).ToArray());
        parameters.AddWithValue(jobs.Select(j => j.TenantId).ToArray());
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
            Value = jobs.Select(j => j.ArgsJson).ToArray() });
        parameters.AddWithValue(jobs.Select(j => (short)j.Priority).ToArray());
        parameters.AddWithValue(jobs.Select(j => j.RunAt).ToArray());
        parameters.AddWithValue(jobs.Select(j => j.MaxAttempts).ToArray());
        parameters.AddWithValue(jobs.Select(j => j.Units).ToArray());
        var current = JobTracing.CurrentTraceParent();
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
            Value = jobs.Select(j => j.TraceParent ?? current).ToArray() });
    }
}
