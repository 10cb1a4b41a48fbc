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
    protected override async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<(Job Job, DigestCloseJob Args)> jobs, CancellationToken ct)
    {
        var results = new JobResult[jobs.Count];
        foreach (var tenant in jobs.Select((j, i) => (j.Job.TenantId, j.Args, Index: i)).GroupBy(j => j.TenantId))
        {
            var alone = tenant.ToList();
            if (alone.Count > 1)
                try { alone = await CloseTogetherAsync(tenant.Key, alone, results, ct); }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    log.LogWarning(e, "{Count} digest windows closing together failed; each closes alone", alone.Count);
                }
            foreach (var (tenantId, args, i) in alone)
                results[i] = await CloseAloneAsync(tenantId, args, ct);
        }
        return results;
    }

    /// <summary>Closes the free windows of one tenant's jobs together; returns the jobs left to close alone.</summary>
    private async Task<List<(Guid TenantId, DigestCloseJob Args, int Index)>> CloseTogetherAsync(Guid tenantId,
        List<(Guid TenantId, DigestCloseJob Args, int Index)> jobs, JobResult[] results, CancellationToken ct)
    {
        await using var tx = await ledger.BeginAsync(ct);
        var locked = await DigestStore.LockFreeOpenAsync(tx.Connection, tx.Transaction, tenantId, [.. jobs.Select(j => j.Args.WindowId).Distinct()], ct);
        var ours = jobs.Where(j => locked.ContainsKey(j.Args.WindowId)).ToList();
        var moved = ours.Where(j => locked[j.Args.WindowId] > j.Args.At.AddMilliseconds(1)).ToList();
        var due = ours.Except(moved).Select(j => j.Args.WindowId).Distinct().ToArray();
        await queue.EnqueueAsync(tx.Connection, tx.Transaction, [.. moved.Select(j => DigestCloser.CloseJob(tenantId, j.Args.WindowId, locked[j.Args.WindowId]))], ct);
        if (due.Length > 0) await closer.CloseManyAsync(tx.Connection, tx.Transaction, tenantId, due, clock.GetUtcNow(), ct);
        if (ours.Count > 0) tx.WakeAfterCommit(WorkflowStepJob.Queue);
        await tx.CommitAsync(ct);
        foreach (var j in ours) results[j.Index] = JobResult.Done;
        return [.. jobs.Except(ours)];
    }

    private async Task<JobResult> CloseAloneAsync(Guid tenantId, DigestCloseJob args, CancellationToken ct)
    {
        try
        {
            await using var tx = await ledger.BeginAsync(ct);
            if (await DigestStore.LockOpenAsync(tx.Connection, tx.Transaction, tenantId, args.WindowId, ct) is { } closesAt)
            {
                if (closesAt > args.At.AddMilliseconds(1))
                    await queue.EnqueueAsync(tx.Connection, tx.Transaction, [DigestCloser.CloseJob(tenantId, args.WindowId, closesAt)], ct);
                else
                    await closer.CloseAsync(tx.Connection, tx.Transaction, tenantId, args.WindowId, clock.GetUtcNow(), ct);
                tx.WakeAfterCommit(WorkflowStepJob.Queue);
            }
            await tx.CommitAsync(ct);
            return JobResult.Done;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogError(e, "digest window {WindowId}: closing failed; it will be retried", args.WindowId);
            return new JobResult.Retry($"{e.GetType().Name}: {e.Message}");
        }
    }
}
