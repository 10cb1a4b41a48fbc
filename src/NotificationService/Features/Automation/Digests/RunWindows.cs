using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Queue;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.Automation.Digests;

/// <summary>
/// The workflow engine's windows (<see cref="IStepWindows"/>), inside each transition's transaction. A join opens or joins
/// the recipient's window for the key with one upsert; the run that opens it queues the window's close; the event that
/// fills it (`maxEvents`) closes it at once, and the next event opens another window. A trigger's runs that join at accept
/// (<see cref="JoinAtAccept"/>) do all of that in one statement for the trigger. A live in-app window's first run
/// passes at once and sends its item; each event that joins after it updates that item (<see cref="LiveDigestItems"/>).
/// </summary>
public sealed class RunWindows(DigestCloser closer, LiveDigestItems items, JobQueue queue, TimeProvider clock) : IStepWindows
{
    public async Task<DigestJoin> JoinAsync(NpgsqlConnection conn, NpgsqlTransaction tx, RunRow run, RunEffect.JoinDigest join, int seq,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var actorKey = ActorKey(run.Actor);
        var live = join.Plan.LiveSendStep;
        var passed = join.Plan.PassesFirst || live is not null ? run.Id : (Guid?)null;
        var window = await DigestStore.UpsertAsync(conn, tx, run.TenantId, run.WorkflowId, join.StepId, run.UserId, join.Key, join.Plan,
            now, passed, passed is null ? null : PassedSummary(run, join.Plan), actorKey, run.Actor, ct, live);
        if (window.Opened) await queue.EnqueueAsync(conn, tx, [DigestCloser.CloseJob(run.TenantId, window.Id, window.ClosesAt)], ct);
        if (window.Opened && passed is not null) return DigestJoin.PassesFirst;
        await DigestStore.AddEventAsync(conn, tx, run.TenantId, window, run.Id, seq, actorKey, ct);
        if (live is not null) await items.ReviseAsync(conn, tx, run.TenantId, window.Id, ct);   // its item counts this event now
        if (window.Events < window.MaxEvents) return DigestJoin.Waiting;
        await closer.CloseAsync(conn, tx, run.TenantId, window.Id, now, ct);
        return DigestJoin.Filled;
    }

    public async Task<bool> JoinAllAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid workflowId,
        RunEffect.JoinDigest join, DateTimeOffset now, IReadOnlyList<(Guid RunId, string UserId)> runs, JsonNode? actor,
        CancellationToken ct)
    {
        var touched = await DigestStore.JoinManyAsync(conn, tx, tenantId, workflowId, join, now, runs, ActorKey(actor), actor, ct);
        var closes = touched.Where(w => w.Opened).Select(w => DigestCloser.CloseJob(tenantId, w.Id, w.ClosesAt)).ToList();
        if (closes.Count > 0) await queue.EnqueueAsync(conn, tx, closes, ct);
        foreach (var filled in touched.Where(w => w.Filled)) await closer.CloseAsync(conn, tx, tenantId, filled.Id, now, ct);
        return touched.Count > 0;
    }

    public Task<bool> LeaveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid runId, CancellationToken ct) =>
        DigestStore.LeaveAsync(conn, tx, tenantId, runId, ct);

    public async Task<ThrottleAnswer> TakeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, RunRow run, RunEffect.TakeThrottle take,
        DateTimeOffset now, CancellationToken ct)
    {
        var place = await ThrottleStore.TakeAsync(conn, tx, run.TenantId, run.WorkflowId, take.StepId, run.UserId, take.Key, take.Limit,
            take.Window, now, ct);
        return new ThrottleAnswer(place.Admitted, place.WindowEnd);
    }

    public Task<JsonObject> CarriedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid runId, CancellationToken ct) =>
        DigestStore.CarriedAsync(conn, tx, tenantId, runId, ct);

    public async Task<int> ForgetUserAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string userId,
        CancellationToken ct) =>
        await DigestStore.ForgetUserAsync(conn, tx, tenantId, userId, ct)
            + await ThrottleStore.ForgetUserAsync(conn, tx, tenantId, userId, ct);

    /// <summary>What makes actors distinct: the actor's `id` (or `userId`), else the whole actor as JSON; none without an actor.</summary>
    public static string? ActorKey(JsonNode? actor) => actor switch
    {
        null => null,
        JsonObject o when (o["id"] ?? o["userId"]) is JsonValue v => v.ToJsonString(),
        _ => actor.ToJsonString(),
    };

    /// <summary>A backoff window's first event passes at once, carrying a digest of itself.</summary>
    private static JsonObject PassedSummary(RunRow run, DigestPlan plan) => new()
    {
        ["count"] = 1,
        ["events"] = plan.KeepFirst + plan.KeepLast > 0 ? new JsonArray(run.Data?.DeepClone()) : new JsonArray(),
        ["actors"] = new JsonObject
        {
            ["count"] = run.Actor is null ? 0 : 1,
            ["first"] = run.Actor is null ? new JsonArray() : new JsonArray(run.Actor.DeepClone()),
        },
    };
}
