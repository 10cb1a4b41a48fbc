using Microsoft.AspNetCore.Mvc;
using NotificationService.Channels.Outbound;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Sending.Webhooks;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>Webhook endpoints with their recent deliveries (status codes, errors, why disabled) and replay; create, rotate
/// and the event filter are in Webhooks.Manage.cs.</summary>
public sealed partial class WebhooksModel(WebhookEndpointStore endpoints, WebhookDeliveryStore deliveries, AuditLog audit,
    OutboundGuard guard, IHostEnvironment env) : ConsolePage
{
    public List<(WebhookEndpointView Endpoint, IReadOnlyList<DeliveryView> Deliveries)> Endpoints { get; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    private async Task LoadAsync(CancellationToken ct)
    {
        Endpoints.Clear();
        foreach (var e in await endpoints.ListAsync(TenantId, ct)) Endpoints.Add((e, await deliveries.ListAsync(TenantId, e.Id, 20, ct)));
    }

    public async Task<IActionResult> OnPostReplayAsync(Guid endpointId, Guid deliveryId, CancellationToken ct)
    {
        try
        {
            await deliveries.ReplayAsync(TenantId, endpointId, deliveryId, ct);
            await audit.RecordAsync(Caller, "webhook.replay", "webhook", endpointId.ToString(), null, new { deliveryId }, ct);
            Flash = "Delivery queued again.";
        }
        catch (NotFoundException) { Flash = "No such delivery."; }
        return RedirectToPage();
    }
}
