using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using NotificationService.Contracts;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.Automation.Digests;

/// <summary>A window as a join left it.</summary>
public sealed record JoinedWindow(Guid Id, bool Opened, int Events, int Position, int MaxEvents, DateTimeOffset ClosesAt);

/// <summary>A live in-app window as its item is rendered: its carrier and send step, and its digest as it stands.</summary>
public sealed record LiveWindow(Guid CarrierRunId, string SendStep, string StepId, string UserId, JsonNode? Digest);

/// <summary>An event of a closed window: the run to move, at the seq it joined with.</summary>
public sealed record WindowEvent(Guid RunId, int Seq);

/// <summary>
/// The one writer of `digest_windows` and `digest_events`. Every statement runs in the caller's transaction and takes the
/// window's row lock first (join, leave, close alike), so they take turns on one window and never deadlock on its events.
/// </summary>
public static partial class DigestStore
{
    /// <summary>Joins the open window of (workflow, step, recipient, key) or opens it: one upsert on the partial unique index
    /// of open windows. A joiner that waited on a window being closed finds it closed when the closer commits, and PostgreSQL
    /// retries its insert: it opens the next window instead. A sliding window's close moves with each event.</summary>
    public static async Task<JoinedWindow> UpsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid workflowId,
        string stepId, string userId, string key, DigestPlan plan, DateTimeOffset now, Guid? passedRun, JsonObject? passedSummary,
        string? actorKey, JsonNode? actor, CancellationToken ct, string? liveSendStep = null)
    {
        await using var cmd = new NpgsqlCommand(Upsert, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(Uuid7.New());
        cmd.Parameters.AddWithValue(workflowId);
        cmd.Parameters.AddWithValue(stepId);
        cmd.Parameters.AddWithValue(userId);
        AddPlan(cmd, key, plan, now);
        cmd.Parameters.Add(new NpgsqlParameter<Guid?> { TypedValue = passedRun, DataTypeName = "uuid" });
        cmd.Parameters.Add(new NpgsqlParameter
            { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = (object?)passedSummary?.ToJsonString() ?? DBNull.Value });
        AddActor(cmd, actorKey, actor);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = liveSendStep, DataTypeName = "text" });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new JoinedWindow(r.GetGuid(0), r.GetBoolean(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4),
            r.GetFieldValue<DateTimeOffset>(5));
    }

    /// <summary>$6 to $14 of a join: the key, and the window the plan opens (kind, $8 now, close, sliding bounds, limits).</summary>
    private static void AddPlan(NpgsqlCommand cmd, string key, DigestPlan plan, DateTimeOffset now)
    {
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.AddWithValue(plan.Kind);
        cmd.Parameters.AddWithValue(now);
        cmd.Parameters.AddWithValue(plan.ClosesAt);
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset?> { TypedValue = plan.HardCloseAt, DataTypeName = "timestamptz" });
        cmd.Parameters.Add(new NpgsqlParameter<double?> { TypedValue = plan.Quiet?.TotalSeconds, DataTypeName = "double precision" });
        cmd.Parameters.AddWithValue(plan.MaxEvents);
        cmd.Parameters.AddWithValue(plan.KeepFirst);
        cmd.Parameters.AddWithValue(plan.KeepLast);
    }

    /// <summary>$17 and $18 of a join: what makes the actor distinct, and the window's entry for it (`[{key, actor}]`, what a
    /// window's `actors` list gains). Built here once: as SQL it was built again for each of a trigger's thousand rows.</summary>
    private static void AddActor(NpgsqlCommand cmd, string? actorKey, JsonNode? actor)
    {
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = actorKey, DataTypeName = "text" });
        var entry = actorKey is null
            ? null
            : new JsonArray(new JsonObject { ["key"] = actorKey, ["actor"] = actor?.DeepClone() }).ToJsonString();
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = (object?)entry ?? DBNull.Value });
    }

    /// <summary>The event at its position. Its data is its run's: the digest reads the first and last `keep` events' data
    /// from their runs (<see cref="KeptData"/>), so an event joining writes one small row and rewrites none.</summary>
    public static async Task AddEventAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, JoinedWindow window, Guid runId,
        int seq, string? actorKey, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into digest_events (tenant_id, window_id, position, run_id, seq, actor_key) values ($1, $2, $3, $4, $5, $6)
            """, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(window.Id);
        cmd.Parameters.AddWithValue(window.Position);
        cmd.Parameters.AddWithValue(runId);
        cmd.Parameters.AddWithValue(seq);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = actorKey, DataTypeName = "text" });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Takes the run's event out of its window while the window is open; false when it had closed (too late).</summary>
    public static async Task<bool> LeaveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid runId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Leave, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(runId);
        return await cmd.ExecuteScalarAsync(ct) is long n && n > 0;
    }

    /// <summary>A live in-app window with its digest so far (or final, once closed); null for an ordinary window.</summary>
    public static async Task<LiveWindow?> LiveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid windowId,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(Live, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(windowId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct) || r.IsDBNull(0)) return null;
        return new LiveWindow(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), JsonNode.Parse(r.GetString(4)));
    }

    private const string Live = $"""
        select w.carrier_run_id, w.live_send_step, w.step_id, w.user_id,
            (case when w.state = 'closed' then w.summary else {SummarySoFar} end)::text
        from digest_windows w where w.tenant_id = $1 and w.id = $2 and w.live_send_step is not null
        """;
}
