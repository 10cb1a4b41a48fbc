using Npgsql;
using NpgsqlTypes;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>A transition that only ends its run (no job, timer, wait or send): its new state and its timeline lines.</summary>
public sealed record RunEnd(Guid RunId, RunState State, IReadOnlyList<StepEvent> Lines);

public sealed partial class RunStore
{
    /// <summary>Several runs of a tenant, locked in id order until the transaction ends (the order every multi-run lock takes,
    /// so two of them never deadlock); runs that are gone are left out.</summary>
    public static async Task<List<RunRow>> LockManyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid[] runIds,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"select {RunColumns} from workflow_runs where tenant_id = $1 and id = any($2) order by id for update", conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(runIds);
        var runs = new List<RunRow>(runIds.Length);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) runs.Add(Read(r));
        return runs;
    }

    /// <summary>
    /// Ends many runs of a tenant at once, as <see cref="SaveAsync"/> would one by one: two statements for all of them instead
    /// of two per run (a digest's closing moves up to 100 runs per job, 10,000 windows a minute). Their states go once each
    /// (the runs of one window share theirs), each run naming its own.
    /// </summary>
    public static async Task SaveEndsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, IReadOnlyList<RunEnd> ends,
        CancellationToken ct)
    {
        if (ends.Count == 0) return;
        var states = ends.Select(e => RunStateJson.Serialize(e.State)).ToList();
        var distinct = states.Distinct().ToList();
        var index = distinct.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i + 1);
        await using var batch = new NpgsqlBatch(conn, tx);
        var update = new NpgsqlBatchCommand(SaveEnds);
        update.Parameters.AddWithValue(tenantId);
        update.Parameters.AddWithValue(ends.Select(e => e.RunId).ToArray());
        update.Parameters.AddWithValue(ends.Select(e => StateName(e.State.Status)).ToArray());
        update.Parameters.AddWithValue(ends.Select(e => e.State.Seq).ToArray());
        update.Parameters.AddWithValue(states.Select(s => index[s]).ToArray());
        update.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = distinct.ToArray() });
        batch.BatchCommands.Add(update);
        var lines = ends.SelectMany(e => e.Lines.Select(l => (e.RunId, Line: l))).ToList();
        if (lines.Count > 0)
        {
            var insert = new NpgsqlBatchCommand(InsertEndLines);
            insert.Parameters.AddWithValue(tenantId);
            insert.Parameters.AddWithValue(lines.Select(l => l.RunId).ToArray());
            insert.Parameters.Add(new NpgsqlParameter
                { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = lines.Select(l => l.Line.StepId).ToArray() });
            insert.Parameters.AddWithValue(lines.Select(l => l.Line.What).ToArray());
            insert.Parameters.Add(new NpgsqlParameter
                { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = lines.Select(l => l.Line.Detail).ToArray() });
            batch.BatchCommands.Add(insert);
        }
        await batch.ExecuteNonQueryAsync(ct);
    }

    // $5: each run's state as a 1-based index into $6, the distinct states.
    private const string SaveEnds = """
        update workflow_runs r set state = u.state, machine = ($6::jsonb[])[u.m], seq = u.seq, due_job_id = null, updated_at = now(),
               ended_at = case when u.state in ('completed', 'failed', 'cancelled') then now() end
        from unnest($2::uuid[], $3::text[], $4::int[], $5::int[]) as u(id, state, seq, m)
        where r.tenant_id = $1 and r.id = u.id
        """;

    // In the order given: a run's lines keep their order in its timeline (`n`).
    private const string InsertEndLines = """
        insert into workflow_run_events (tenant_id, run_id, step_id, what, detail)
        select $1, e.run_id, e.step_id, e.what, e.detail
        from unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) with ordinality as e(run_id, step_id, what, detail, ord) order by e.ord
        """;
}
