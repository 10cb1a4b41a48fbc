using NotificationService.Channels.Outbound;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Webhooks;

public sealed record WebhookEndpointRequest(string? Url, string[]? Events, bool? Enabled, string? Description);

/// <summary>`/api/v1/admin/webhooks`: endpoints CRUD, secret rotation, the delivery log, replay and a test ping.
/// Tenant-scoped.</summary>
public static class WebhookAdminEndpoints
{
    public static void MapWebhooks(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/admin/webhooks").WithTags("Admin: webhooks").RequireScopes();

        group.MapPost("/", async (HttpContext http, WebhookEndpointStore store, OutboundGuard guard, IHostEnvironment env,
            CancellationToken ct) =>
        {
            var (body, _) = await JsonBody.ReadAsync<WebhookEndpointRequest>(http.Request, 64 * 1024, ct);
            if (body.Url is null) throw RequestValidationException.For("url", "A URL is required.");
            if (body.Events is not { Length: > 0 })
                throw RequestValidationException.For("events", $"Name at least one event: {string.Join(", ", WebhookOutbox.EventTypes)}.");
            var url = await WebhookEndpointRules.ValidateUrlAsync(body.Url, guard, env, ct);
            var created = await store.CreateAsync(http.User.TenantId(), url, WebhookEndpointRules.ValidateEvents(body.Events),
                body.Enabled ?? true, body.Description, ct);
            // The secret is shown here and on rotation only.
            return TypedResults.Created($"/api/v1/admin/webhooks/{created.Endpoint.Id}", created);
        }).WithSummary("Create a webhook endpoint (its signing secret is shown once)").Audited("webhook.create", "webhook")
            .Accepts<WebhookEndpointRequest>("application/json");

        group.MapGet("/", async (HttpContext http, WebhookEndpointStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.ListAsync(http.User.TenantId(), ct))).WithSummary("List webhook endpoints");
        group.MapGet("/{id:guid}", async (Guid id, HttpContext http, WebhookEndpointStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.GetAsync(http.User.TenantId(), id, ct))).WithSummary("Get a webhook endpoint");

        group.MapPatch("/{id:guid}", async (Guid id, HttpContext http, WebhookEndpointStore store, OutboundGuard guard,
            IHostEnvironment env, CancellationToken ct) =>
        {
            var (body, _) = await JsonBody.ReadAsync<WebhookEndpointRequest>(http.Request, 64 * 1024, ct);
            var url = body.Url is null ? null : await WebhookEndpointRules.ValidateUrlAsync(body.Url, guard, env, ct);
            var events = body.Events is null ? null : WebhookEndpointRules.ValidateEvents(body.Events);
            return TypedResults.Ok(await store.UpdateAsync(http.User.TenantId(), id, url, events, body.Enabled, body.Description, ct));
        }).WithSummary("Change a webhook endpoint's URL, events or state")
            .Audited("webhook.update", "webhook", (http, id) => Before(http, id)).Accepts<WebhookEndpointRequest>("application/json");

        group.MapDelete("/{id:guid}", async (Guid id, HttpContext http, WebhookEndpointStore store, CancellationToken ct) =>
        {
            await store.DeleteAsync(http.User.TenantId(), id, ct);
            return TypedResults.NoContent();
        }).WithSummary("Delete a webhook endpoint").Audited("webhook.delete", "webhook", (http, id) => Before(http, id));

        group.MapPost("/{id:guid}/rotate-secret", async (Guid id, HttpContext http, WebhookEndpointStore store, CancellationToken ct) =>
        {
            var rotated = await store.RotateAsync(http.User.TenantId(), id, ct);
            return TypedResults.Ok(rotated);
        }).WithSummary("Rotate a webhook endpoint's signing secret").Audited("webhook.rotate_secret", "webhook");

        group.MapGet("/{id:guid}/deliveries", async (Guid id, int? limit, HttpContext http, WebhookEndpointStore store,
            WebhookDeliveryStore deliveries, CancellationToken ct) =>
        {
            await store.GetAsync(http.User.TenantId(), id, ct);   // 404 for another tenant's endpoint
            return TypedResults.Ok(await deliveries.ListAsync(http.User.TenantId(), id, Math.Clamp(limit ?? 50, 1, 200), ct));
        }).WithSummary("List a webhook endpoint's recent deliveries");

        group.MapPost("/{id:guid}/deliveries/{deliveryId:guid}/replay", async (Guid id, Guid deliveryId, HttpContext http,
            WebhookDeliveryStore deliveries, CancellationToken ct) =>
        {
            await deliveries.ReplayAsync(http.User.TenantId(), id, deliveryId, ct);
            return TypedResults.Accepted((string?)null, new WebhookDeliveryQueued(deliveryId));
        }).WithSummary("Deliver one webhook event again").Audited("webhook.replay", "webhook");

        group.MapPost("/{id:guid}/test", async (Guid id, HttpContext http, WebhookEndpointStore store, WebhookDeliveryStore deliveries,
            CancellationToken ct) =>
        {
            await store.GetAsync(http.User.TenantId(), id, ct);
            return TypedResults.Accepted((string?)null,
                new WebhookDeliveryQueued(await deliveries.TestAsync(http.User.TenantId(), id, ct)));
        }).WithSummary("Send a test event to a webhook endpoint");
    }

    private static async Task<object?> Before(HttpContext http, string id) =>
        await http.RequestServices.GetRequiredService<WebhookEndpointStore>()
            .GetAsync(http.User.TenantId(), Guid.Parse(id), http.RequestAborted);
}

/// <summary>The answer to a replay or a test delivery: the delivery queued.</summary>
public sealed record WebhookDeliveryQueued(Guid DeliveryId);
