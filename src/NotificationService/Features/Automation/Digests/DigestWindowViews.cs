using System.Text.Json.Nodes;
using Npgsql;

namespace NotificationService.Features.Automation.Digests;

/// <summary>An open window as the console lists it under its workflow.</summary>
public sealed record OpenWindowView(Guid Id, string StepId, string UserId, string Key, string Kind, int Events, DateTimeOffset OpenedAt,
    DateTimeOffset ClosesAt);

/// <summary>A window a run waits in, carried, or passed through first (backoff), with the events' data the console shows:
/// the kept events of an open window, the digest of a closed one.</summary>
public sealed record RunWindowView(Guid Id, string StepId, string Key, string Kind, string State, string Role, int Events,
    DateTimeOffset OpenedAt, DateTimeOffset ClosesAt, DateTimeOffset? ClosedAt, IReadOnlyList<JsonNode?> Data);

/// <summary>
/// What the console shows of digest windows, read-only: the open windows of a workflow (the ones closing first), and the
/// windows of one run. Every statement names the tenant.
/// </summary>
public sealed class DigestWindowViews(NpgsqlDataSource db)
{
    public const int OpenListed = 50;

    /// <summary>The open windows of a workflow, closing first (at most <see cref="OpenListed"/>), and how many are open.</summary>
    public async Task<(IReadOnlyList<OpenWindowView> Windows, long Open)> OpenAsync(Guid tenantId, Guid workflowId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(OpenOfWorkflow);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(workflowId);
        cmd.Parameters.AddWithValue(OpenListed);
        var windows = new List<OpenWindowView>();
        long open = 0;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            open = r.GetInt64(8);
            windows.Add(new OpenWindowView(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5),
                r.GetFieldValue<DateTimeOffset>(6), r.GetFieldValue<DateTimeOffset>(7)));
        }
        return (windows, open);
    }

    /// <summary>The windows <paramref name="runId"/> waits in, carried, or passed first through; oldest first.</summary>
    public async Task<IReadOnlyList<RunWindowView>> OfRunAsync(Guid tenantId, Guid runId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(OfRun);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(runId);
        var windows = new List<RunWindowView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var data = JsonNode.Parse(r.GetString(10)) as JsonArray ?? [];
            windows.Add(new RunWindowView(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
                r.GetInt32(6), r.GetFieldValue<DateTimeOffset>(7), r.GetFieldValue<DateTimeOffset>(8),
                r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9), [.. data.Select(d => d?.DeepClone())]));
        }
        return windows;
    }

    private const string OpenOfWorkflow = """
        select id, step_id, user_id, digest_key, kind, event_count, opened_at, closes_at, count(*) over ()
        from digest_windows where tenant_id = $1 and workflow_id = $2 and state = 'open'
        order by closes_at, id limit $3
        """;

    /// <summary>An open window's events' data is its first and last kept events' (from their runs); a closed one's, its digest's.</summary>
    private const string OfRun = $"""
        with mine as (
            select id, 'carried' as role from digest_windows where tenant_id = $1 and carrier_run_id = $2
            union all
            select id, 'passed first' from digest_windows where tenant_id = $1 and passed_run_id = $2
            union all
            select window_id, 'waiting in' from digest_events where tenant_id = $1 and run_id = $2
        ), one as (
            -- a live window's first run both passed first and carries it: it carries it
            select distinct on (id) id, role from mine order by id, role
        )
        select w.id, w.step_id, w.digest_key, w.kind, w.state, m.role, coalesce((w.summary->>'count')::int, w.event_count),
            w.opened_at, w.closes_at, w.closed_at,
            case when w.state = 'closed' then coalesce(w.summary->'events', '[]')
                 else {DigestStore.KeptData} end::text
        from one m join digest_windows w on w.tenant_id = $1 and w.id = m.id
        order by w.opened_at, w.id
        """;
}
