using NotificationService.Queue;

namespace NotificationService.Features.Notifications;

/// <summary>
/// Accepts drafts set-based inside the caller's ledger transaction: one statement enqueues every delivery job (one per
/// group of up to <see cref="DeliveryGroups.MaxSize"/> notifications that share tenant, channel, priority and send
/// time), then the ledger inserts every notification and tells its subscribers (`notification.accepted` webhooks).
/// The channels' queues are woken after commit. Commit all or nothing.
/// </summary>
public sealed class NotificationWriter(JobQueue queue, NotificationLedger ledger)
{
    public async Task InsertAsync(LedgerTransaction tx, IReadOnlyList<NotificationDraft> drafts, CancellationToken ct)
    {
        if (drafts.Count == 0) return;
        var groups = DeliveryGroups.Of(drafts);
        // A group continues the trace of the request whose draft opened it (a group can hold several concurrent requests').
        var jobs = groups.Select(g => NewJob.For(g.Channel, g.TenantId, DeliverJob.For(g.Ids), g.Priority, g.SendAt, units: g.Ids.Length,
            traceParent: drafts[g.DraftIndexes[0]].TraceParent)).ToList();
        var groupIds = await queue.EnqueueAsync(tx.Connection, tx.Transaction, jobs, ct);
        await ledger.AcceptAsync(tx, drafts, DeliveryGroups.JobIdPerDraft(groups, groupIds, drafts.Count), ct);
        foreach (var group in groups) tx.WakeAfterCommit(group.Channel);
    }
}
