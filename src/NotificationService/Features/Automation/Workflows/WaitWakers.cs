using Npgsql;
using NotificationService.Contracts;
using NotificationService.Features.People.Inbox;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Queue;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>
/// How a waiting run is woken without a worker: the ledger tells this subscriber every status change of a notification a
/// workflow made (they carry `workflowRun` in their metadata, so other notifications cost one dictionary look-up), and
/// the inbox tells it every read or seen item; in that same transaction the send's statuses are recorded and the waits
/// they satisfy are woken by a job for their run.
/// </summary>
public sealed class WaitWakers(JobQueue queue) : INotificationSubscriber, IInboxReadSubscriber
{
    private static readonly HashSet<string> Heard =
    [
        NotificationStatuses.Sent, NotificationStatuses.Delivered, NotificationStatuses.Read, NotificationStatuses.Opened,
        NotificationStatuses.Clicked, NotificationStatuses.Failed, NotificationStatuses.Skipped, NotificationStatuses.Suppressed,
        NotificationStatuses.Expired, NotificationStatuses.Cancelled,
    ];

    public bool Wants(string status) => Heard.Contains(status);

    public async Task OnChangedAsync(LedgerTransaction tx, IReadOnlyList<StatusChange> changes, CancellationToken ct)
    {
        List<(Guid, Guid, string, string?, string?)>? mine = null;
        foreach (var c in changes)
            if (c.Metadata?.ContainsKey(StepSender.RunMetadata) == true)
                (mine ??= []).Add((c.TenantId, c.NotificationId, c.Status, c.Error, ProviderOf(c)));
        if (mine is null) return;
        if (await WakeAsync(tx.Connection, tx.Transaction, mine, ct)) tx.WakeAfterCommit(WorkflowStepJob.Queue);
    }

    public async Task<Action?> OnReadAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, IReadOnlyList<Guid> notificationIds,
        string[] statuses, CancellationToken ct)
    {
        // Only what a wait can name: an item marked unread or archived is no status of its send.
        var heard = statuses.Where(s => s is NotificationStatuses.Read or NotificationStatuses.Seen).ToArray();
        if (heard.Length == 0) return null;
        var changes = notificationIds.SelectMany(id => heard.Select(s => (tenantId, id, s, (string?)null, (string?)null))).ToList();
        return await WakeAsync(conn, tx, changes, ct) ? () => queue.NotifyCommitted([WorkflowStepJob.Queue]) : null;
    }

    private async Task<bool> WakeAsync(NpgsqlConnection conn, NpgsqlTransaction tx,
        IReadOnlyList<(Guid, Guid, string, string?, string?)> changes, CancellationToken ct)
    {
        var moved = await WorkflowSends.RecordAsync(conn, tx, changes, ct);
        if (moved.Count == 0) return false;
        var woken = await WaitStore.WakeForSendsAsync(conn, tx, moved, ct);
        if (woken.Count == 0) return false;
        await queue.EnqueueAsync(conn, tx,
            woken.Select(w => WorkflowStepJob.For(w.TenantId, w.RunId, WorkflowStepJob.Woken, w.Seq)).ToList(), ct);
        return true;
    }

    /// <summary>The ledger's `sent` says "via &lt;provider&gt;" (and the configs tried, in brackets).</summary>
    private static string? ProviderOf(StatusChange c) =>
        c.Status == NotificationStatuses.Sent && c.Detail is { } d && d.StartsWith("via ", StringComparison.Ordinal)
            ? d[4..].Split(" [")[0]
            : null;
}
