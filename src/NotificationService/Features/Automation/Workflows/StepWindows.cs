using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>What joining a digest window did: the run waits in it, it passed at once as a backoff window's first event, or it
/// filled the window (`maxEvents`), which closed in the same transaction.</summary>
public enum DigestJoin { Waiting, PassesFirst, Filled }

/// <summary>A throttle's answer: let through, or full until <see cref="WindowEnd"/>.</summary>
public sealed record ThrottleAnswer(bool Admitted, DateTimeOffset WindowEnd);

/// <summary>
/// The windows of digest and throttle steps, kept by the Digests feature (Features/Automation/Digests) in rows whose unique
/// keys decide, under concurrency and crashes, which window an event joins and who closes it. The engine calls these inside
/// a transition's transaction; they never move a run themselves, only queue the jobs that will.
/// </summary>
public interface IStepWindows
{
    Task<DigestJoin> JoinAsync(NpgsqlConnection conn, NpgsqlTransaction tx, RunRow run, RunEffect.JoinDigest join, int seq,
        CancellationToken ct);

    /// <summary>A trigger's runs (one per recipient) join their windows at accept, set-based (<see cref="JoinAtAccept"/>): what
    /// <see cref="JoinAsync"/> does for each, with the windows it opens queued to close and those it fills closed now.</summary>
    /// <returns>Whether it queued jobs (a window opened or filled): a trigger that only joined open windows queued none.</returns>
    Task<bool> JoinAllAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid workflowId, RunEffect.JoinDigest join,
        DateTimeOffset now, IReadOnlyList<(Guid RunId, string UserId)> runs, JsonNode? actor, CancellationToken ct);

    /// <summary>Takes the run's event back out of its window while the window is open (a cancel); false when it had closed.</summary>
    Task<bool> LeaveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid runId, CancellationToken ct);

    Task<ThrottleAnswer> TakeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, RunRow run, RunEffect.TakeThrottle take, DateTimeOffset now,
        CancellationToken ct);

    /// <summary>The digests the run carries, by step id: `{count, events, actors}` as its conditions and templates see them.</summary>
    Task<JsonObject> CarriedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid runId, CancellationToken ct);

    /// <summary>Erase: the person's windows (as recipient), with their events.</summary>
    Task<int> ForgetUserAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string userId, CancellationToken ct);
}
