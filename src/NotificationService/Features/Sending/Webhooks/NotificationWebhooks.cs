using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;

namespace NotificationService.Features.Sending.Webhooks;

/// <summary>
/// The ledger's subscriber that turns notification events into webhook deliveries, in the transaction that makes the
/// change. Which event types a tenant's endpoints subscribe to is cached (<see cref="WebhookSubscriptions"/>), so a
/// tenant with no subscriber for an event costs the accept path, the worker and callbacks one in-memory look-up.
/// </summary>
public sealed class NotificationWebhooks(WebhookOutbox outbox, WebhookSubscriptions subscriptions) : INotificationSubscriber
{
    public bool Wants(string status) => WebhookOutbox.EventType(status) is not null;

    public async ValueTask<bool> WritesOnAcceptAsync(IReadOnlyList<NotificationDraft> accepted, CancellationToken ct) =>
        await SubscribedTenantsAsync(accepted, ct) is not null;

    public async Task OnAcceptedAsync(LedgerTransaction tx, IReadOnlyList<NotificationDraft> accepted, CancellationToken ct)
    {
        if (await SubscribedTenantsAsync(accepted, ct) is not { } subscribed) return;

        var now = DateTimeOffset.UtcNow;
        var changes = accepted.Where(d => subscribed.Contains(d.TenantId)).Select(d => new StatusChange(d.Id, d.TenantId, d.Channel,
            NotificationStatuses.Accepted, null, "api", null, null, now, d.Recipient, d.Metadata, TraceParent: d.TraceParent)).ToList();
        await PublishAsync(tx, changes, ct);
    }

    /// <summary>The tenants among <paramref name="accepted"/> with an endpoint for `notification.accepted`; null for none.</summary>
    private async ValueTask<HashSet<Guid>?> SubscribedTenantsAsync(IReadOnlyList<NotificationDraft> accepted, CancellationToken ct)
    {
        HashSet<Guid>? subscribed = null;
        foreach (var tenant in accepted.Select(d => d.TenantId).Distinct())
            if (await subscriptions.SubscribesAsync(tenant, "notification.accepted", ct)) (subscribed ??= []).Add(tenant);
        return subscribed;
    }

    public async Task OnChangedAsync(LedgerTransaction tx, IReadOnlyList<StatusChange> changes, CancellationToken ct)
    {
        // Asked once per (tenant, status), not per change: a batch is usually one tenant and one or two statuses.
        var listened = new Dictionary<(Guid Tenant, string Status), bool>();
        var relevant = new List<StatusChange>(changes.Count);
        foreach (var c in changes)
        {
            if (!listened.TryGetValue((c.TenantId, c.Status), out var yes))
                listened[(c.TenantId, c.Status)] = yes =
                    await subscriptions.SubscribesAsync(c.TenantId, WebhookOutbox.EventType(c.Status)!, ct);
            if (yes) relevant.Add(c);
        }
        await PublishAsync(tx, relevant, ct);
    }

    private async Task PublishAsync(LedgerTransaction tx, IReadOnlyList<StatusChange> changes, CancellationToken ct)
    {
        if (changes.Count > 0 && await outbox.PublishAsync(tx.Connection, tx.Transaction, changes, ct) > 0)
            tx.WakeAfterCommit(WebhookOutbox.Queue);
    }
}
