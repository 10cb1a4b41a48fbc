using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Webhooks;

/// <summary>A delivery to write: one event to one endpoint. <paramref name="NotificationId"/>: the notification a
/// `notification.*` event is about (null for other events), so a notification's page can list its deliveries.
/// <paramref name="TraceParent"/>: the trace its job continues; null: the enqueuing code's current activity.</summary>
public sealed record NewDelivery(Guid Id, Guid TenantId, Guid EndpointId, string EventType, string Payload, Guid? NotificationId = null,
    string? TraceParent = null);

/// <summary>
/// Turns events into webhook deliveries and their jobs inside the caller's transaction, so an event and its webhooks
/// commit together or not at all (no lost or phantom events). Notification events arrive through
/// <see cref="NotificationWebhooks"/>, the ledger's subscriber; others (`bulk_job.completed`, `workflow.run.*`) are published directly.
/// </summary>
public sealed class WebhookOutbox(JobQueue queue, WebhookRetrySchedule schedule, WebhookEndpointStore endpoints)
{
    public const string Queue = "webhooks";

    public static readonly string[] EventTypes =
    [
        "notification.accepted", "notification.sent", "notification.delivered", "notification.failed", "notification.suppressed",
        "notification.skipped", "notification.expired", "notification.seen", "notification.read", "notification.opened",
        "notification.clicked", "bulk_job.completed",
        "workflow.run.completed", "workflow.run.cancelled", "workflow.run.failed",
    ];

    public static string? EventType(string status) => EventTypes.Contains("notification." + status) ? "notification." + status : null;

    /// <summary>Status changes of tenants known to subscribe (the caller checked): two statements for any number of them.</summary>
    public async Task<int> PublishAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<StatusChange> changes,
        CancellationToken ct)
    {
        var byTenant = (await endpoints.EnabledForTenantsAsync(conn, tx, changes.Select(c => c.TenantId).Distinct().ToArray(), ct))
            .ToLookup(e => e.TenantId);
        var deliveries = new List<NewDelivery>();
        foreach (var c in changes)
        {
            var type = EventType(c.Status)!;
            var matching = byTenant[c.TenantId].Where(e => e.Events.Contains(type)).ToList();
            if (matching.Count == 0) continue;
            var payload = Payload(type, c).ToJsonString();
            deliveries.AddRange(matching.Select(e =>
                new NewDelivery(Uuid7.New(), c.TenantId, e.Id, type, payload, c.NotificationId, c.TraceParent)));
        }
        await EnqueueAsync(conn, tx, deliveries, ct);
        return deliveries.Count;
    }

    /// <summary>An event that is not a notification's status change (e.g. `bulk_job.completed`): one delivery per subscribed
    /// endpoint.</summary>
    public async Task<int> PublishEventAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string type, JsonObject data,
        CancellationToken ct)
    {
        var subscribed = (await endpoints.EnabledForTenantsAsync(conn, tx, [tenantId], ct)).Where(e => e.Events.Contains(type)).ToList();
        var payload = new JsonObject { ["type"] = type, ["timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
            ["data"] = data }.ToJsonString();
        await EnqueueAsync(conn, tx, subscribed.Select(e => new NewDelivery(Uuid7.New(), tenantId, e.Id, type, payload)).ToList(), ct);
        return subscribed.Count;
    }

    public static JsonObject Payload(string type, StatusChange c) => new()
    {
        ["type"] = type,
        ["timestamp"] = c.At.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
        ["data"] = new JsonObject
        {
            ["notificationId"] = c.NotificationId.ToString(),
            ["channel"] = c.Channel,
            ["status"] = c.Status,
            ["previousStatus"] = c.PreviousStatus,
            ["recipient"] = Addresses.Mask(c.Recipient.Email, c.Recipient.Phone, c.Recipient.UserId, c.Recipient.DeviceTokens?.Length),
            ["metadata"] = c.Metadata?.DeepClone(),
            ["error"] = c.Error,
        },
    };

    /// <summary>Writes the deliveries and one job each. Wake the queue after commit.</summary>
    public async Task EnqueueAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IReadOnlyList<NewDelivery> deliveries,
        CancellationToken ct)
    {
        if (deliveries.Count == 0) return;
        await WebhookDeliveryStore.InsertAsync(conn, tx, deliveries, ct);
        await queue.EnqueueAsync(conn, tx, deliveries.Select(d => Job(d.Id, d.TenantId, d.TraceParent)).ToList(), ct);
    }

    public Task EnqueueJobAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid deliveryId, Guid tenantId, CancellationToken ct) =>
        queue.EnqueueAsync(conn, tx, [Job(deliveryId, tenantId)], ct);

    public NewJob Job(Guid deliveryId, Guid tenantId, string? traceParent = null) =>
        NewJob.For(Queue, tenantId, new WebhookJob(deliveryId), maxAttempts: schedule.MaxAttempts, traceParent: traceParent);

    public void NotifyCommitted() => queue.NotifyCommitted([Queue]);
}
