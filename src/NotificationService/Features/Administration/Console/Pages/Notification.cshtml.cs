using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Sending.Delivery;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Sending.Webhooks;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// One notification: facts, status timeline, what was rendered (the sandbox provider's copy) and the webhook deliveries of
/// its events (asked of the webhooks store, which owns them). Another tenant's: 404.
/// </summary>
public sealed class NotificationModel(NotificationQueries queries, NotificationSearch search, SandboxRecorder sandbox,
    WebhookDeliveryStore webhooks) : ConsolePage
{
    public NotificationStatus? Item { get; private set; }
    public IReadOnlyList<SandboxMessage> Sent { get; private set; } = [];
    public string? StoredContent { get; private set; }
    public IReadOnlyList<NotificationDelivery> Webhooks { get; private set; } = [];
    public const int MaxWebhooks = 100;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        Item = await queries.GetAsync(TenantId, id, ct);
        if (Item is null) return NotFound();
        Sent = await sandbox.ListAsync(TenantId, id, null, 5, ct);
        StoredContent = Members.LinksHidden.In(await search.ContentJsonAsync(TenantId, id, ct));   // an invitation's link: shown
                                                                                                    // once, to the inviter
        Webhooks = await webhooks.ForNotificationAsync(TenantId, id, MaxWebhooks, ct);
        return Page();
    }

    /// <summary>The rendered parts the sandbox recorded (subject, text, html, body…), strings only, one-time links hidden.</summary>
    public IEnumerable<(string Name, string Value)> Parts(SandboxMessage m) =>
        JsonNode.Parse(m.ContentJson) is JsonObject o
            ? o.Where(p => p.Value is JsonValue v && v.TryGetValue<string>(out _))
                .Select(p => (p.Key, Members.LinksHidden.In(p.Value!.GetValue<string>())!))
            : [];
}
