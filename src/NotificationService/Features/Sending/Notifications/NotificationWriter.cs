using NotificationService.Queue;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>
/// Accepts drafts set-based: one statement enqueues every delivery job (one per group of up to
/// <see cref="DeliveryGroups.MaxSize"/> notifications that share tenant, channel, priority and send time), then the
/// ledger inserts every notification and tells its subscribers (`notification.accepted` webhooks). The channels' queues
/// are woken after commit. Commit all or nothing.
/// </summary>
public sealed class NotificationWriter(JobQueue queue, NotificationLedger ledger)
{
    /// <summary>Inside the caller's ledger transaction (a batch, a CSV chunk, a fan-out, a send with an idempotency key).</summary>
    public async Task InsertAsync(LedgerTransaction tx, IReadOnlyList<NotificationDraft> drafts, CancellationToken ct)
    {
        if (drafts.Count == 0) return;
        var groups = DeliveryGroups.Of(drafts);
        var groupIds = await queue.EnqueueAsync(tx.Connection, tx.Transaction, Jobs(groups, drafts), ct);
        await ledger.AcceptAsync(tx, drafts, DeliveryGroups.JobIdPerDraft(groups, groupIds, drafts.Count), ct);
        foreach (var group in groups) tx.WakeAfterCommit(group.Channel);
    }

    /// <summary>
    /// On their own (the accept batcher's group of concurrent sends): the jobs and the notifications in one round trip
    /// when no subscriber writes on accept, else in a transaction of their own. Committed when it returns.
    /// </summary>
    public async Task AcceptAsync(IReadOnlyList<NotificationDraft> drafts, CancellationToken ct)
    {
        if (drafts.Count == 0) return;
        if (await ledger.AcceptNeedsTransactionAsync(drafts, ct))
        {
            await using var tx = await ledger.BeginAsync(ct);
            await InsertAsync(tx, drafts, ct);
            await tx.CommitAsync(ct);
            return;
        }
        var groups = DeliveryGroups.Of(drafts);
        var (jobs, groupIds) = await queue.EnqueueCommandAsync(Jobs(groups, drafts), ct);
        await ledger.AcceptWithJobsAsync(jobs, drafts, DeliveryGroups.JobIdPerDraft(groups, groupIds, drafts.Count), ct);
        queue.NotifyCommitted(groups.Select(g => g.Channel).Distinct());
    }

    // A group continues the trace of the request whose draft opened it (a group can hold several concurrent requests').
    private static List<NewJob> Jobs(IReadOnlyList<DeliveryGroups.Group> groups, IReadOnlyList<NotificationDraft> drafts) =>
        groups.Select(g => NewJob.For(g.Channel, g.TenantId, DeliverJob.For(g.Ids), g.Priority, g.SendAt, units: g.Ids.Length,
            traceParent: drafts[g.DraftIndexes[0]].TraceParent)).ToList();
}
