using System.Text.Json;
using Npgsql;
using NotificationService.Features.Notifications;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Webhooks;

/// <summary>
/// `notification.accepted` for every accepted notification (single send, batch, CSV rows), written in the
/// caller's transaction with the notifications themselves. The accept path is measured, so a tenant
/// without an endpoint for this event costs one in-memory look-up per write, no statement.
/// </summary>
public sealed class AcceptedEvents(WebhookOutbox outbox, WebhookSubscriptions subscriptions)
{
    public const string EventType = "notification.accepted";

    /// <returns>True when webhook deliveries were enqueued (wake the `webhooks` queue after commit).</returns>
    public async Task<bool> PublishAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<NotificationDraft> drafts, CancellationToken ct)
    {
        HashSet<Guid>? subscribed = null;
        foreach (var tenant in drafts.Select(d => d.TenantId).Distinct())
            if (await subscriptions.SubscribesAsync(tenant, EventType, ct)) (subscribed ??= []).Add(tenant);
        if (subscribed is null) return false;

        var now = DateTimeOffset.UtcNow;
        var changes = drafts.Where(d => subscribed.Contains(d.TenantId)).Select(d => new StatusChange(d.Id, d.TenantId, d.Channel, "accepted", null,
            JsonSerializer.SerializeToNode(d.Recipient, JsonBody.Options), d.Metadata, null, now)).ToList();
        return await outbox.PublishAsync(conn, tx, changes, ct) > 0;
    }
}
