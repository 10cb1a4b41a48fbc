using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>A run as a transition reads it, locked for the transaction.</summary>
public sealed record RunRow(Guid Id, Guid TenantId, Guid WorkflowId, string WorkflowKey, int Version, string UserId, JsonNode? Actor,
    JsonNode? Data, string? CancellationKey, RunState Machine, long? DueJobId, DateTimeOffset CreatedAt, bool TestRun = false);

/// <summary>A run to insert at trigger. <see cref="FanOutId"/>: the fan-out that started it (a trigger naming topics).
/// <see cref="TestRun"/>: a test run of the editor (<see cref="WorkflowTestRuns"/>).</summary>
public sealed record NewRun(Guid Id, Guid TenantId, Guid WorkflowId, string WorkflowKey, int Version, string UserId, string? ActorJson,
    string? DataJson, string? CancellationKey, RunState Machine, Guid? FanOutId = null, bool TestRun = false);

/// <summary>
/// The one writer of `workflow_runs` and `workflow_run_events` (the timeline). Every write happens inside the caller's
/// transaction: a transition's new state, its timeline lines and its effects commit together.
/// </summary>
public sealed partial class RunStore(NpgsqlDataSource db)
{
    private const string RunColumns = """
        id, tenant_id, workflow_id, workflow_key, version, user_id, actor::text, data::text, cancellation_key, machine::text, due_job_id, created_at,
        test_run
        """;

    /// <summary>
    /// Inserts runs set-based (a trigger's up to 1,000, a fan-out chunk's 2,000), each with <paramref name="lines"/> (what a
    /// run that starts past its first transition did in it, <see cref="JoinAtAccept"/>); returns the ids inserted. The start
    /// of a run's timeline, its `started` line and those lines, is its row's (`start_lines`, read by <see cref="GetAsync"/>):
    /// timeline rows would cost a trigger two rows per recipient. A fan-out's run for a member it has started already is
    /// left out (the unique index workflow_runs_fan_out_once), so a replayed chunk starts nothing twice.
    /// </summary>
    public static async Task<List<Guid>> InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<NewRun> runs,
        IReadOnlyList<StepEvent> lines, CancellationToken ct)
    {
        // A trigger's runs differ only in id and user: what they share goes once as a scalar, so PostgreSQL parses the data,
        // actor and starting state once per statement, not once per run (a quarter of a 1,000-recipient trigger's time).
        var inserted = new List<Guid>(runs.Count);
        foreach (var group in runs.GroupBy(r => (r.TenantId, r.WorkflowId, r.WorkflowKey, r.Version, r.ActorJson, r.DataJson,
            r.CancellationKey, r.Machine, r.FanOutId, r.TestRun)))
        {
            var shared = group.Key;
            // Only a fan-out's runs can meet their unique index; an ON CONFLICT clause would make every other run's insert
            // speculative (a lock taken and released and a confirmation record per row) for an index it never enters.
            await using var cmd = new NpgsqlCommand(shared.FanOutId is null ? InsertRuns : InsertFanOutRuns, conn, tx);
            cmd.Parameters.AddWithValue(shared.TenantId);
            cmd.Parameters.AddWithValue(group.Select(r => r.Id).ToArray());
            cmd.Parameters.AddWithValue(shared.WorkflowId);
            cmd.Parameters.AddWithValue(shared.WorkflowKey);
            cmd.Parameters.AddWithValue(shared.Version);
            cmd.Parameters.AddWithValue(group.Select(r => r.UserId).ToArray());
            cmd.Parameters.Add(new NpgsqlParameter
                { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = (object?)shared.ActorJson ?? DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = (object?)shared.DataJson ?? DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter
                { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)shared.CancellationKey ?? DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = RunStateJson.Serialize(shared.Machine) });
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)shared.FanOutId ?? DBNull.Value });
            cmd.Parameters.AddWithValue(StateName(shared.Machine.Status));
            cmd.Parameters.AddWithValue(shared.Machine.Seq);
            cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = StartLinesJson(lines) });
            cmd.Parameters.AddWithValue(shared.TestRun);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) inserted.Add(r.GetGuid(0));
        }
        return inserted;
    }

    /// <summary>The run, locked until the transaction ends (a transition, a cancel and a resume of one run take turns).</summary>
    public static async Task<RunRow?> LockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid runId,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"select {RunColumns} from workflow_runs where tenant_id = $1 and id = $2 for update",
            conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(runId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Read(r) : null;
    }

    /// <summary>A transition's new state and timeline, in its transaction. <paramref name="dueJobId"/>: the job ending the
    /// delay or wait it started (null: none; unchanged when <paramref name="keepDueJob"/>).</summary>
    public static async Task SaveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, RunRow run, RunState state, long? dueJobId,
        IReadOnlyList<(StepEvent Event, Guid[]? NotificationIds)> events, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn, tx);
        var update = new NpgsqlBatchCommand("""
            update workflow_runs set state = $3, machine = $4::jsonb, seq = $5, due_job_id = $6, updated_at = now(),
                   ended_at = case when $3 in ('completed', 'failed', 'cancelled') then now() end
            where tenant_id = $1 and id = $2
            """);
        update.Parameters.AddWithValue(run.TenantId);
        update.Parameters.AddWithValue(run.Id);
        update.Parameters.AddWithValue(StateName(state.Status));
        update.Parameters.AddWithValue(RunStateJson.Serialize(state));
        update.Parameters.AddWithValue(state.Seq);
        update.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = dueJobId, DataTypeName = "bigint" });
        batch.BatchCommands.Add(update);
        if (events.Count > 0)
        {
            var insert = new NpgsqlBatchCommand("""
                insert into workflow_run_events (tenant_id, run_id, step_id, what, detail, notification_ids)
                select $1, $2, e.step_id, e.what, e.detail, (select array_agg(x::uuid) from unnest(string_to_array(e.ids, ',')) x)
                from unnest($3::text[], $4::text[], $5::text[], $6::text[]) with ordinality as e(step_id, what, detail, ids, ord) order by e.ord
                """);
            insert.Parameters.AddWithValue(run.TenantId);
            insert.Parameters.AddWithValue(run.Id);
            insert.Parameters.Add(new NpgsqlParameter
                { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = events.Select(e => e.Event.StepId).ToArray() });
            insert.Parameters.AddWithValue(events.Select(e => e.Event.What).ToArray());
            insert.Parameters.Add(new NpgsqlParameter
                { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = events.Select(e => e.Event.Detail).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter
            {
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
                Value = events.Select(e => e.NotificationIds is { Length: > 0 } ids ? string.Join(',', ids) : null).ToArray(),
            });
            batch.BatchCommands.Add(insert);
        }
        await batch.ExecuteNonQueryAsync(ct);
    }

    private static string StartLinesJson(IReadOnlyList<StepEvent> lines) =>
        new JsonArray([.. lines.Select(l => new JsonObject { ["stepId"] = l.StepId, ["what"] = l.What, ["detail"] = l.Detail })])
            .ToJsonString();

    /// <summary>
    /// A run's data, for another module's statement that needs it beside its own rows (a digest's kept events): a scalar
    /// subquery on the run of tenant `$1` whose id is the column `run_id` of the row aliased `k`. Read here, so the runs'
    /// table is named by its owner only.
    /// </summary>
    public const string DataOfRun = "(select r.data from workflow_runs r where r.tenant_id = $1 and r.id = k.run_id)";

    public static string StateName(RunStatus status) => status.ToString().ToLowerInvariant();

    private static RunRow Read(NpgsqlDataReader r) => new(r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetString(3), r.GetInt32(4),
        r.GetString(5), r.IsDBNull(6) ? null : JsonNode.Parse(r.GetString(6)), r.IsDBNull(7) ? null : JsonNode.Parse(r.GetString(7)),
        r.IsDBNull(8) ? null : r.GetString(8), RunStateJson.Deserialize(r.GetString(9)), r.IsDBNull(10) ? null : r.GetInt64(10),
        r.GetFieldValue<DateTimeOffset>(11), r.GetBoolean(12));

    private const string RunsFromArrays = """
        insert into workflow_runs (tenant_id, id, workflow_id, workflow_key, version, user_id, actor, data, cancellation_key, state, machine, fan_out_id, seq,
            start_lines, test_run)
        select $1, u.id, $3, $4, $5, u.user_id, $7::jsonb, $8::jsonb, $9, $12, $10::jsonb, $11, $13, $14::jsonb, $15
        from unnest($2::uuid[], $6::text[]) as u(id, user_id)
        """;

    private const string InsertRuns = RunsFromArrays + " returning id";

    private const string InsertFanOutRuns = RunsFromArrays
        + " on conflict (tenant_id, fan_out_id, user_id) where fan_out_id is not null do nothing returning id";
}
