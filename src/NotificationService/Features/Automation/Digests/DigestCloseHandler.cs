using NotificationService.Features.Automation.Workflows;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Queue;

namespace NotificationService.Features.Automation.Digests;

/// <summary>
/// Runs `digest-close` jobs: a claimed batch's windows of one tenant close together, in one transaction and a handful of
/// statements (10,000 windows ending in one minute were 10,000 transactions of five statements each, beside the carriers'
/// sends). The batch takes only windows no one else holds; a window held by a joiner, a leaver or an erase, and every window
/// of a batch that failed, closes alone in a transaction of its own, waiting for its lock. The job trusts its due time as
/// the workflow's timers do (a spec or an operator making it due closes the window); only a sliding window whose close
/// moved later since the job was queued waits again, with a job at its new close. A window closed already (by `maxEvents`,
/// or this job run twice) is done.
/// </summary>
public sealed class DigestCloseHandler(NotificationLedger ledger, DigestCloser closer, JobQueue queue, TimeProvider clock,
    ILogger<DigestCloseHandler> log) : JobHandler<DigestCloseJob>
{
    private sealed record Close(Guid WindowId, DateTimeOffset At, int Index);

    protected override async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<(Job Job, DigestCloseJob Args)> jobs,
        CancellationToken ct)
    {
        var results = new JobResult[jobs.Count];
        foreach (var tenant in jobs.Select((j, i) => (j.Job.TenantId, Close: new Close(j.Args.WindowId, j.Args.At, i)))
            .GroupBy(j => j.TenantId, j => j.Close))
        {
            var alone = tenant.ToList();
            if (alone.Count > 1)
                try { alone = await CloseAsync(tenant.Key, alone, skipHeld: true, results, ct); }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    log.LogWarning(e, "{Count} digest windows closing together failed; each closes alone", alone.Count);
                }
            foreach (var close in alone)
                try { await CloseAsync(tenant.Key, [close], skipHeld: false, results, ct); }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    log.LogError(e, "digest window {WindowId}: closing failed; it will be retried", close.WindowId);
                    results[close.Index] = new JobResult.Retry($"{e.GetType().Name}: {e.Message}");
                }
        }
        return results;
    }

    /// <summary>Closes (or, moved, queues again) the windows of <paramref name="closes"/> it locks, in one transaction, and
    /// returns the closes left: those whose window someone else held, when <paramref name="skipHeld"/>.</summary>
    private async Task<List<Close>> CloseAsync(Guid tenantId, List<Close> closes, bool skipHeld, JobResult[] results, CancellationToken ct)
    {
        await using var tx = await ledger.BeginAsync(ct);
        var locked = await DigestStore.LockOpenAsync(tx.Connection, tx.Transaction, tenantId,
            [.. closes.Select(c => c.WindowId).Distinct()], skipHeld, ct);
        var ours = skipHeld ? closes.Where(c => locked.ContainsKey(c.WindowId)).ToList() : closes;
        var moved = ours.Where(c => locked.TryGetValue(c.WindowId, out var closesAt) && closesAt > c.At.AddMilliseconds(1)).ToList();
        var due = ours.Except(moved).Where(c => locked.ContainsKey(c.WindowId)).Select(c => c.WindowId).Distinct().ToArray();
        await queue.EnqueueAsync(tx.Connection, tx.Transaction,
            [.. moved.Select(c => DigestCloser.CloseJob(tenantId, c.WindowId, locked[c.WindowId]))], ct);
        if (due.Length > 0) await closer.CloseManyAsync(tx.Connection, tx.Transaction, tenantId, due, clock.GetUtcNow(), ct);
        if (locked.Count > 0) tx.WakeAfterCommit(WorkflowStepJob.Queue);
        await tx.CommitAsync(ct);
        foreach (var c in ours) results[c.Index] = JobResult.Done;
        return [.. closes.Except(ours)];
    }
}
