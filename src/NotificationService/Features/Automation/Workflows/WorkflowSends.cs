using Npgsql;
using NpgsqlTypes;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>A send step's notification as a run sees it: its channel, the statuses it reached and its last error/provider.</summary>
public sealed record RunSend(string StepId, string Channel, Guid NotificationId, string LastStatus, string? Error, string? Provider,
    string[] Statuses);

/// <summary>A send whose statuses moved: which run and step it belongs to, and every wait status it has reached now.</summary>
public sealed record MovedSend(Guid TenantId, Guid RunId, string StepId, string[] Reached);

/// <summary>
/// The one writer of `workflow_sends`: the notifications each send step made, unique per (run, step, channel), so a step
/// retried after a crash cannot send twice (the second insert fails and its transaction, notifications included, rolls
/// back), and the statuses each has reached, recorded by the ledger's subscriber and the inbox's in their transactions.
/// </summary>
public static class WorkflowSends
{
    public static async Task InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid runId, string stepId,
        IReadOnlyList<(Guid NotificationId, string Channel)> sent, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into workflow_sends (tenant_id, notification_id, run_id, step_id, channel, statuses)
            select $1, u.id, $2, $3, u.channel, array['queued'] from unnest($4::uuid[], $5::text[]) as u(id, channel)
            """, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(runId);
        cmd.Parameters.AddWithValue(stepId);
        cmd.Parameters.AddWithValue(sent.Select(s => s.NotificationId).ToArray());
        cmd.Parameters.AddWithValue(sent.Select(s => s.Channel).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Adds what the notifications became (one statement for a batch); returns the moved sends with what they reached. The
    /// rows stay locked until the caller commits, which is what a wait being registered for them waits on (see
    /// <see cref="LockReachedAsync"/>), so a status and a new wait can never miss each other.
    /// </summary>
    public static async Task<IReadOnlyList<MovedSend>> RecordAsync(NpgsqlConnection conn, NpgsqlTransaction tx,
        IReadOnlyList<(Guid TenantId, Guid NotificationId, string Status, string? Error, string? Provider)> changes, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Record, conn, tx);
        cmd.Parameters.AddWithValue(changes.Select(c => c.TenantId).ToArray());
        cmd.Parameters.AddWithValue(changes.Select(c => c.NotificationId).ToArray());
        cmd.Parameters.AddWithValue(changes.Select(c => c.Status).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter
            { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = changes.Select(c => c.Error).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter
            { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = changes.Select(c => c.Provider).ToArray() });
        var moved = new List<MovedSend>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            moved.Add(new MovedSend(r.GetGuid(0), r.GetGuid(1), r.GetString(2), WaitStatuses.Reached(r.GetFieldValue<string[]>(3))));
        return moved;
    }

    /// <summary>What a send step's notifications have reached so far, their rows locked (see <see cref="RecordAsync"/>).</summary>
    public static async Task<string[]> LockReachedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid runId,
        string stepId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select statuses from workflow_sends where tenant_id = $1 and run_id = $2 and step_id = $3 for update
            """, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(runId);
        cmd.Parameters.AddWithValue(stepId);
        var all = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) all.AddRange(WaitStatuses.Reached(r.GetFieldValue<string[]>(0)));
        return [.. all.Distinct()];
    }

    public static async Task<IReadOnlyList<RunSend>> ForRunAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid tenantId, Guid runId,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select step_id, channel, notification_id, last_status, error, provider, statuses from workflow_sends
            where tenant_id = $1 and run_id = $2 order by step_id, channel
            """, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(runId);
        var list = new List<RunSend>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new RunSend(r.GetString(0), r.GetString(1), r.GetGuid(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.GetFieldValue<string[]>(6)));
        return list;
    }

    public static async Task<int> PurgeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid[] tenantIds, Guid[] runIds,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            delete from workflow_sends s using unnest($1::uuid[], $2::uuid[]) as u(tenant_id, run_id)
            where s.tenant_id = u.tenant_id and s.run_id = u.run_id
            """, conn, tx);
        cmd.Parameters.AddWithValue(tenantIds);
        cmd.Parameters.AddWithValue(runIds);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Statuses accumulate (each once); the last one and its error/provider are kept for conditions and the timeline.</summary>
    private const string Record = """
        with c as (
            select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[]) with ordinality as c(tenant_id, id, status, error, provider, ord)
        ), per as (
            select tenant_id, id, array_agg(status order by ord) as statuses, (array_agg(status order by ord desc))[1] as last,
                   (array_agg(error order by ord desc) filter (where error is not null))[1] as error,
                   (array_agg(provider order by ord desc) filter (where provider is not null))[1] as provider
            from c group by tenant_id, id
        )
        update workflow_sends s set
            statuses = (select array_agg(distinct x) from unnest(s.statuses || per.statuses) x),
            last_status = per.last, error = coalesce(per.error, s.error), provider = coalesce(per.provider, s.provider)
        from per where s.tenant_id = per.tenant_id and s.notification_id = per.id
        returning s.tenant_id, s.run_id, s.step_id, s.statuses
        """;
}
