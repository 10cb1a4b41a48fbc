using NotificationService.Features.Sending.Notifications;
using NotificationService.Queue;

namespace NotificationService.Features.Operations.QueueAdmin;

/// <summary>
/// Retrying a dead job is an operator's explicit decision. For a delivery job, its notifications go back to `queued`
/// through the ledger (the one backwards move it allows), with a history row saying why.
/// </summary>
public sealed class DeadJobRetry(JobQueue queue, NotificationLedger ledger)
{
    public async Task<DeadJob?> RetryAsync(Guid tenantId, string queueName, long jobId, CancellationToken ct)
    {
        // One transaction: a worker must never claim the job while the notification still says failed
        // (it would skip it as already final and the retry would be lost).
        await using var tx = await ledger.BeginAsync(ct);
        var job = await queue.RetryDeadAsync(tx.Connection, tx.Transaction, tenantId, queueName, jobId, ct);
        if (job is null) return null;
        if (job.Kind == DeliverJob.Kind)
            await ledger.RequeueAsync(tx, tenantId, JobArgs.ArgsAs<DeliverJob>(job.ArgsJson).Ids, "dead job retried by an admin", ct);
        tx.WakeAfterCommit(queueName);
        await tx.CommitAsync(ct);
        return job;
    }
}
