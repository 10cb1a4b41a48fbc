using Npgsql;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Queue;

namespace NotificationService.Features.Automation.Digests;

/// <summary>
/// Closes windows in the caller's transaction and queues what moves their runs: `carried` for the run that carries each
/// digest, and the others `digested` (naming that run) in jobs of up to 100 runs (<see cref="DigestedRunsJob"/>), one
/// set-based enqueue for all the windows. The close is conditional on the window still being open under its row lock, and
/// its jobs commit with it: two closers (a close job run twice, a replica's and the `maxEvents` join) make one digest, and
/// a crash before the commit leaves the window open for the job to come back to. A live window's carrier went on at its
/// first event: every event left in the window ends digested, naming it.
///
/// The `digested` moves go at low priority: they only end runs whose event is in the digest. At normal priority, one job
/// per run, 10,000 windows of 100 events closing in one minute put a million moves in the queue in the order of their
/// closes, and each later window's carrier, the run that sends, waited behind the earlier windows' moves (p99 495 s from
/// a window's end to its provider call). And they are due a while after the close (<see cref="DigestOptions"/>), so that a
/// burst of closing windows spends its minute on the digests rather than on these moves.
/// </summary>
public sealed class DigestCloser(JobQueue queue, LiveDigestItems items, DigestOptions options)
{
    /// <summary>True when this call closed it.</summary>
    public async Task<bool> CloseAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid windowId, DateTimeOffset now,
        CancellationToken ct) =>
        await CloseManyAsync(conn, tx, tenantId, [windowId], now, ct) == 1;

    /// <summary>Closes those of <paramref name="windowIds"/> (locked by the caller) that are open; returns how many.</summary>
    public async Task<int> CloseManyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, Guid[] windowIds, DateTimeOffset now,
        CancellationToken ct)
    {
        var closed = await DigestStore.CloseManyAsync(conn, tx, tenantId, windowIds, now, ct);
        var digestedAt = options.DigestedRunsDelay > TimeSpan.Zero ? now + options.DigestedRunsDelay : (DateTimeOffset?)null;
        await queue.EnqueueAsync(conn, tx, [.. closed.SelectMany(w => MoveJobs(tenantId, w, digestedAt))], ct);
        foreach (var live in closed.Where(w => w.Live))
            await items.ReviseAsync(conn, tx, tenantId, live.Id, ct);   // the item says the final digest
        return closed.Count;
    }

    private static IEnumerable<NewJob> MoveJobs(Guid tenantId, ClosedWindow window, DateTimeOffset? digestedAt) =>
        window.Carrier is not { } c || window.Events.Count == 0 ? []
            : [.. window.Events.Where(e => e.RunId == c).Select(e => WorkflowStepJob.For(tenantId, c, WorkflowStepJob.Carried, e.Seq)),
               .. DigestedRunsJob.For(tenantId, c, window.Events.Where(e => e.RunId != c), digestedAt)];

    /// <summary>The job that closes <paramref name="windowId"/> at <paramref name="at"/>.</summary>
    public static NewJob CloseJob(Guid tenantId, Guid windowId, DateTimeOffset at) =>
        NewJob.For(WorkflowStepJob.Queue, tenantId, new DigestCloseJob(windowId, at), runAt: at);
}
