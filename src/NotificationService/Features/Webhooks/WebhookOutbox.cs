using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Features.Suppressions;
using NotificationService.Queue;

namespace NotificationService.Features.Webhooks;

/// <summary>A status change as the webhook payload reports it.</summary>
public sealed record StatusChange(Guid NotificationId, Guid TenantId, string Channel, string Status, string? PreviousStatus,
    JsonNode? Recipient, JsonNode? Metadata, string? Error, DateTimeOffset At, string? Detail = null);

/// <summary>A delivery to write: one event to one endpoint.</summary>
public sealed record NewDelivery(Guid Id, Guid TenantId, Guid EndpointId, string EventType, string Payload);

/// <summary>
/// Turns status changes into webhook deliveries and their jobs inside the caller's transaction, so a
/// status change and its webhook commit together or not at all (no lost or phantom events).
/// Three statements per batch whatever its size: endpoints, deliveries, jobs; none when the cached
/// subscriptions say no tenant of the batch listens to these events (most callbacks and worker batches).
/// </summary>
public sealed class WebhookOutbox(JobQueue queue, WebhookRetrySchedule schedule, WebhookSubscriptions subscriptions)
{
    public const string Queue = "webhooks";
    public const string Kind = "webhook";

    public static readonly string[] EventTypes =
    [
        "notification.accepted", "notification.sent", "notification.delivered", "notification.failed", "notification.suppressed",
        "notification.read", "notification.opened", "notification.clicked", "bulk_job.completed",
    ];

    public static string? EventType(string status) => EventTypes.Contains("notification." + status) ? "notification." + status : null;

    public async Task<int> PublishAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<StatusChange> changes, CancellationToken ct)
    {
        // Asked once per (tenant, status), not per change: a batch is usually one tenant and one or two statuses.
        var listened = new Dictionary<(Guid Tenant, string Status), bool>();
        var relevant = new List<StatusChange>(changes.Count);
        foreach (var c in changes)
        {
            if (!listened.TryGetValue((c.TenantId, c.Status), out var yes))
                listened[(c.TenantId, c.Status)] = yes = EventType(c.Status) is { } type && await subscriptions.SubscribesAsync(c.TenantId, type, ct);
            if (yes) relevant.Add(c);
        }
        if (relevant.Count == 0) return 0;
        var endpoints = new List<(Guid Id, Guid TenantId, string[] Events)>();
        await using (var cmd = new NpgsqlCommand("select id, tenant_id, events from webhook_endpoints where tenant_id = any($1) and enabled", conn, tx))
        {
            cmd.Parameters.AddWithValue(relevant.Select(c => c.TenantId).Distinct().ToArray());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) endpoints.Add((r.GetGuid(0), r.GetGuid(1), r.GetFieldValue<string[]>(2)));
        }
        if (endpoints.Count == 0) return 0;
        var byTenant = endpoints.ToLookup(e => e.TenantId);
        var deliveries = new List<NewDelivery>();
        foreach (var c in relevant)
        {
            var type = EventType(c.Status)!;
            var matching = byTenant[c.TenantId].Where(e => e.Events.Contains(type)).ToList();
            if (matching.Count == 0) continue;
            var payload = Payload(type, c).ToJsonString();
            deliveries.AddRange(matching.Select(e => new NewDelivery(Guid.CreateVersion7(), c.TenantId, e.Id, type, payload)));
        }
        await EnqueueAsync(conn, tx, deliveries, ct);
        return deliveries.Count;
    }

    /// <summary>An event that is not a notification's status change (e.g. `bulk_job.completed`): one delivery per subscribed endpoint.</summary>
    public async Task<int> PublishEventAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId, string type, JsonObject data, CancellationToken ct)
    {
        var endpoints = new List<Guid>();
        await using (var cmd = new NpgsqlCommand("select id from webhook_endpoints where tenant_id = $1 and enabled and $2 = any(events)", conn, tx))
        {
            cmd.Parameters.AddWithValue(tenantId);
            cmd.Parameters.AddWithValue(type);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) endpoints.Add(r.GetGuid(0));
        }
        var payload = new JsonObject { ["type"] = type, ["timestamp"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), ["data"] = data }.ToJsonString();
        await EnqueueAsync(conn, tx, endpoints.Select(e => new NewDelivery(Guid.CreateVersion7(), tenantId, e, type, payload)).ToList(), ct);
        return endpoints.Count;
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
            ["recipient"] = Addresses.Mask(c.Recipient),
            ["metadata"] = c.Metadata?.DeepClone(),
            ["error"] = c.Error,
        },
    };

    /// <summary>Writes the deliveries and one job each (args: the delivery id). Call NotifyCommitted after commit.</summary>
    public async Task EnqueueAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IReadOnlyList<NewDelivery> deliveries, CancellationToken ct)
    {
        if (deliveries.Count == 0) return;
        await using (var cmd = new NpgsqlCommand("""
            insert into webhook_deliveries (id, tenant_id, endpoint_id, event_type, payload)
            select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[])
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue(deliveries.Select(d => d.Id).ToArray());
            cmd.Parameters.AddWithValue(deliveries.Select(d => d.TenantId).ToArray());
            cmd.Parameters.AddWithValue(deliveries.Select(d => d.EndpointId).ToArray());
            cmd.Parameters.AddWithValue(deliveries.Select(d => d.EventType).ToArray());
            cmd.Parameters.AddWithValue(deliveries.Select(d => d.Payload).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await queue.EnqueueAsync(conn, tx, deliveries.Select(d => Job(d.Id, d.TenantId)).ToList(), ct);
    }

    public Task EnqueueJobAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid deliveryId, Guid tenantId, CancellationToken ct) =>
        queue.EnqueueAsync(conn, tx, [Job(deliveryId, tenantId)], ct);

    public NewJob Job(Guid deliveryId, Guid tenantId) =>
        new(Queue, Kind, tenantId, $"{{\"d\":\"{deliveryId}\"}}", MaxAttempts: schedule.MaxAttempts);

    public void NotifyCommitted() => queue.NotifyCommitted([Queue]);
}
