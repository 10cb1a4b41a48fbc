using NotificationService.Features.Automation.Workflows;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Queue;

namespace NotificationService.Features.Automation.Digests;

/// <summary>
/// Runs `digest-close` jobs, each in a transaction of its own. The job trusts its due time as the workflow's timers do (a
/// spec or an operator making it due closes the window); only a sliding window whose close moved later since the job was
/// queued waits again, with a job at its new close. A window closed already (by `maxEvents`, or this job run twice) is done.
/// </summary>
public sealed class DigestCloseHandler(NotificationLedger ledger, DigestCloser closer, JobQueue queue, TimeProvider clock,
    ILogger<DigestCloseHandler> log) : JobHandler<DigestCloseJob>
{
    protected override async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<(Job Job, DigestCloseJob Args)> jobs, CancellationToken ct)
    {
        var results = new List<JobResult>(jobs.Count);
        foreach (var (job, args) in jobs)
        {
            try
            {
                await CloseAsync(job.TenantId, args, ct);
                results.Add(JobResult.Done);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.LogError(e, "digest window {WindowId}: closing failed; it will be retried", args.WindowId);
                results.Add(new JobResult.Retry($"{e.GetType().Name}: {e.Message}"));
            }
        }
        return results;
    }

    private async Task CloseAsync(Guid tenantId, DigestCloseJob args, CancellationToken ct)
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
    }
}
