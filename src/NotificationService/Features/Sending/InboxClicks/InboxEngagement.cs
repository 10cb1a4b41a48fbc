using Npgsql;
using NotificationService.Features.People.Inbox;
using NotificationService.Features.Sending.Notifications;

namespace NotificationService.Features.Sending.InboxClicks;

/// <summary>
/// The inbox's reads, sees, unreads and archives reach the notification ledger inside the inbox's own transaction: the item,
/// the user's counters, the notification's status and history, and the `notification.read` / `.seen` webhooks commit
/// together or not at all, for one item, a list of ids or mark-all-read alike (set-based, a fixed number of statements
/// whatever the count). Here because it joins the inbox and the ledger (see <see cref="InboxClickEndpoints"/>).
/// </summary>
public sealed class InboxEngagement(NotificationLedger ledger) : IInboxReadSubscriber
{
    public const string Detail = "inbox";

    public async Task<Action?> OnReadAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, IReadOnlyList<Guid> notificationIds,
        string[] statuses, CancellationToken ct)
    {
        var joined = ledger.Join(conn, tx);
        await ledger.RecordEngagementAsync(joined, tenantId, InboxClickEndpoints.Source, notificationIds, statuses, Detail, ct);
        return joined.OwnerCommitted;   // webhook jobs are woken, and observers told, once the inbox commits
    }
}
