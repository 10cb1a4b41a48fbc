using Npgsql;
using NpgsqlTypes;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>A wait that something woke: the run to move and the seq its wake-up job carries.</summary>
public sealed record WokenWait(Guid TenantId, Guid RunId, int Seq);

/// <summary>
/// The one writer of `workflow_waits`. A wait leaves `waiting` once: woken (by a status its send reached, or an event),
/// timed out (its due job), or released (the run was cancelled). Each move is conditional on `waiting`, under the row's
/// lock, so a wake-up and a timeout that race cannot both win.
/// </summary>
public static class WaitStore
{
    public static async Task InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid runId, string userId,
        RunEffect.Wait wait, DateTimeOffset dueAt, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into workflow_waits (tenant_id, run_id, seq, step_id, user_id, send_step, statuses, event_name, event_key, due_at, state)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'waiting')
            """, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(runId);
        cmd.Parameters.AddWithValue(wait.Seq);
        cmd.Parameters.AddWithValue(wait.StepId);
        cmd.Parameters.AddWithValue(userId);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = wait.SendStep, DataTypeName = "text" });
        cmd.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
            Value = wait.Event is null ? wait.Statuses.ToArray() : DBNull.Value
        });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = wait.Event, DataTypeName = "text" });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = wait.EventKey, DataTypeName = "text" });
        cmd.Parameters.AddWithValue(dueAt);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>`waiting` → <paramref name="state"/> for one wait; false when it had already left `waiting`.</summary>
    public static async Task<bool> LeaveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid runId, int seq, string state,
        string? detail, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            update workflow_waits set state = $4, detail = $5 where tenant_id = $1 and run_id = $2 and seq = $3 and state = 'waiting'
            """, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(runId);
        cmd.Parameters.AddWithValue(seq);
        cmd.Parameters.AddWithValue(state);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = detail, DataTypeName = "text" });
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Wakes the waits on these sends whose statuses were reached (one statement for a ledger batch).</summary>
    public static async Task<IReadOnlyList<WokenWait>> WakeForSendsAsync(NpgsqlConnection conn, NpgsqlTransaction tx,
        IReadOnlyList<MovedSend> moved, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            update workflow_waits w set state = 'woken', detail = 'status ' || array_to_string(
                array(select unnest(w.statuses) intersect select unnest(string_to_array(m.reached, ','))), '/')
            from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) as m(tenant_id, run_id, step_id, reached)
            where w.tenant_id = m.tenant_id and w.run_id = m.run_id and w.send_step = m.step_id and w.state = 'waiting'
              and w.statuses && string_to_array(m.reached, ',')
            returning w.tenant_id, w.run_id, w.seq
            """, conn, tx);
        cmd.Parameters.AddWithValue(moved.Select(m => m.TenantId).ToArray());
        cmd.Parameters.AddWithValue(moved.Select(m => m.RunId).ToArray());
        cmd.Parameters.AddWithValue(moved.Select(m => m.StepId).ToArray());
        cmd.Parameters.AddWithValue(moved.Select(m => string.Join(',', m.Reached)).ToArray());
        return await ReadAsync(cmd, ct);
    }

    /// <summary>Wakes the user's waits for this event (and key, where the wait has one).</summary>
    public static async Task<IReadOnlyList<WokenWait>> WakeForEventAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId,
        string userId, string name, string? key, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            update workflow_waits set state = 'woken', detail = 'event ' || $3 || coalesce(' key ' || $4, '')
            where tenant_id = $1 and user_id = $2 and event_name = $3 and state = 'waiting' and (event_key is null or event_key = $4)
            returning tenant_id, run_id, seq
            """, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userId);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = key, DataTypeName = "text" });
        return await ReadAsync(cmd, ct);
    }

    /// <summary>Why the wait at <paramref name="seq"/> was woken (for the timeline), or null.</summary>
    public static async Task<string?> DetailAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid runId, int seq,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select detail from workflow_waits where tenant_id = $1 and run_id = $2 and seq = $3",
            conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(runId);
        cmd.Parameters.AddWithValue(seq);
        return await cmd.ExecuteScalarAsync(ct) as string;
    }

    public static async Task<int> PurgeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid[] tenantIds, Guid[] runIds,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            delete from workflow_waits w using unnest($1::uuid[], $2::uuid[]) as u(tenant_id, run_id)
            where w.tenant_id = u.tenant_id and w.run_id = u.run_id
            """, conn, tx);
        cmd.Parameters.AddWithValue(tenantIds);
        cmd.Parameters.AddWithValue(runIds);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<IReadOnlyList<WokenWait>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<WokenWait>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(new WokenWait(r.GetGuid(0), r.GetGuid(1), r.GetInt32(2)));
        return list;
    }
}
