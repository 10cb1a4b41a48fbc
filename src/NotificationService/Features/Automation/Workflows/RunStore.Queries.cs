using NotificationService.Infrastructure;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>One line of a run's timeline as the API shows it.</summary>
public sealed record RunEventView(string? StepId, string What, string? Detail, Guid[]? NotificationIds, DateTimeOffset At);

/// <summary>A step of the timeline: its latest state, when it was first and last touched, why (e.g. the condition that
/// skipped it) and the notifications it made, with every line that concerned it.</summary>
public sealed record RunStepView(string StepId, string State, DateTimeOffset StartedAt, DateTimeOffset UpdatedAt, string? Detail,
    Guid[] NotificationIds, IReadOnlyList<RunEventView> Events);

public sealed record RunView(Guid Id, string Workflow, int Version, string UserId, string State, string? Reason, string? CancellationKey,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? EndedAt, JsonNode? Data, JsonNode? Actor,
    IReadOnlyList<RunStepView> Steps, IReadOnlyList<RunEventView> Timeline, bool TestRun = false);

/// <param name="TestRun">A test run of the editor (sandboxed sends, shortened delays), not a real one.</param>
public sealed record RunSummary(Guid Id, string Workflow, int Version, string UserId, string State, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, bool TestRun = false);

public sealed record RunPage(IReadOnlyList<RunSummary> Items, string? NextCursor);

public sealed record RunFilter(string? Workflow, string? UserId, string? State, string? CancellationKey = null);

public sealed partial class RunStore
{
    public async Task<RunView?> GetAsync(Guid tenantId, Guid runId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            select workflow_key, version, user_id, state, machine->>'endReason', cancellation_key, created_at, updated_at, ended_at, data::text, actor::text,
                start_lines::text, test_run
            from workflow_runs where tenant_id = $1 and id = $2
            """, conn);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(runId);
        RunView view;
        var timeline = new List<RunEventView>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return null;
            view = new RunView(runId, r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.GetFieldValue<DateTimeOffset>(6), r.GetFieldValue<DateTimeOffset>(7),
                r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8), r.IsDBNull(9) ? null : JsonNode.Parse(r.GetString(9)),
                r.IsDBNull(10) ? null : JsonNode.Parse(r.GetString(10)), [], [], r.GetBoolean(12));
            // The start is the run's row: its `started` line, then what its first transition did if it started past it. Runs
            // inserted before the column stored these as timeline rows, and have null here.
            if (!r.IsDBNull(11))
            {
                timeline.Add(new RunEventView(null, "started", $"version {view.Version}", null, view.CreatedAt));
                foreach (var line in JsonNode.Parse(r.GetString(11))!.AsArray())
                    timeline.Add(new RunEventView((string?)line!["stepId"], (string)line["what"]!, (string?)line["detail"], null,
                        view.CreatedAt));
            }
        }
        await using var events = new NpgsqlCommand("""
            select step_id, what, detail, notification_ids, at from workflow_run_events where tenant_id = $1 and run_id = $2 order by n
            """, conn);
        events.Parameters.AddWithValue(tenantId);
        events.Parameters.AddWithValue(runId);
        await using (var r = await events.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                timeline.Add(new RunEventView(r.IsDBNull(0) ? null : r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                    r.IsDBNull(3) ? null : r.GetFieldValue<Guid[]>(3), r.GetFieldValue<DateTimeOffset>(4)));
        var steps = timeline.Where(e => e.StepId is not null).GroupBy(e => e.StepId!)
            .Select(g => new RunStepView(g.Key, g.Last().What, g.First().At, g.Last().At,
                g.LastOrDefault(e => e.Detail is not null)?.Detail, [.. g.SelectMany(e => e.NotificationIds ?? [])], [.. g]))
            .ToList();
        return view with { Steps = steps, Timeline = timeline };
    }

    /// <summary>Newest first, keyset by id (UUIDv7), filtered by workflow key, userId and state.</summary>
    public async Task<RunPage> ListAsync(Guid tenantId, RunFilter filter, Guid? before, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            select id, workflow_key, version, user_id, state, created_at, updated_at, test_run from workflow_runs
            where tenant_id = $1 and ($2::text is null or workflow_key = $2) and ($3::text is null or user_id = $3) and ($4::text is null or state = $4)
              and id < coalesce($5::uuid, {KeysetBound.LastUuid})
            order by id desc limit $6
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = filter.Workflow, DataTypeName = "text" });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = filter.UserId, DataTypeName = "text" });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = filter.State, DataTypeName = "text" });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = (object?)before ?? DBNull.Value });
        cmd.Parameters.AddWithValue(limit + 1);
        var items = new List<RunSummary>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            items.Add(new RunSummary(r.GetGuid(0), r.GetString(1), r.GetInt32(2), r.GetString(3), r.GetString(4),
                r.GetFieldValue<DateTimeOffset>(5), r.GetFieldValue<DateTimeOffset>(6), r.GetBoolean(7)));
        var more = items.Count > limit;
        if (more) items.RemoveAt(limit);
        return new RunPage(items, more ? items[^1].Id.ToString() : null);
    }

    /// <summary>Runs that a cancel by query would stop (running or waiting), oldest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<Guid>> CancellableAsync(Guid tenantId, RunFilter filter, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select id from workflow_runs
            where tenant_id = $1 and state in ('running', 'waiting') and ($2::text is null or workflow_key = $2) and ($3::text is null or user_id = $3)
              and ($4::text is null or cancellation_key = $4)
            order by id limit $5
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = filter.Workflow, DataTypeName = "text" });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = filter.UserId, DataTypeName = "text" });
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = filter.CancellationKey, DataTypeName = "text" });
        cmd.Parameters.AddWithValue(limit);
        var ids = new List<Guid>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) ids.Add(r.GetGuid(0));
        return ids;
    }

    /// <summary>Ended runs past their retention, with their timelines; the caller purges their sends and waits in the same
    /// transaction.</summary>
    /// <summary>Erase: every run of the user, ended or not, goes with its timeline (the caller drops its sends and waits);
    /// the runs' ids and the jobs that would have ended their delays or waits.</summary>
    public static async Task<(Guid[] Runs, long[] DueJobs)> DeleteOfUserAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId,
        string userId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            with gone as (
                delete from workflow_runs where tenant_id = $1 and user_id = $2 returning id, due_job_id
            ), lines as (
                delete from workflow_run_events e using gone g where e.tenant_id = $1 and e.run_id = g.id
            )
            select id, due_job_id from gone
            """, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userId);
        var (runs, jobs) = (new List<Guid>(), new List<long>());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            runs.Add(r.GetGuid(0));
            if (!r.IsDBNull(1)) jobs.Add(r.GetInt64(1));
        }
        return ([.. runs], [.. jobs]);
    }

    public static async Task<(Guid[] Tenants, Guid[] Runs)> PurgeEndedAsync(NpgsqlConnection conn, NpgsqlTransaction tx,
        DateTimeOffset olderThan, int limit, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            with gone as (
                delete from workflow_runs where (tenant_id, id) in (
                    select tenant_id, id from workflow_runs where ended_at < $1 order by ended_at limit $2 for update skip locked)
                returning tenant_id, id
            ), lines as (
                delete from workflow_run_events e using gone g where e.tenant_id = g.tenant_id and e.run_id = g.id
            )
            select tenant_id, id from gone
            """, conn, tx);
        cmd.Parameters.AddWithValue(olderThan);
        cmd.Parameters.AddWithValue(limit);
        var (tenants, runs) = (new List<Guid>(), new List<Guid>());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) { tenants.Add(r.GetGuid(0)); runs.Add(r.GetGuid(1)); }
        return ([.. tenants], [.. runs]);
    }
}
