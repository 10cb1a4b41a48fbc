using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Sending.Webhooks;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// Create an endpoint, rotate its secret, change its event filter, delete it: the API's store and rules, each change audited. A new
/// secret is rendered on that one response (no redirect, nothing in TempData), so a reload or the back button never shows it.
/// </summary>
public sealed partial class WebhooksModel
{
    /// <summary>The secret just created or rotated, and whose it is; null on every other response.</summary>
    public (Guid EndpointId, string Secret)? NewSecret { get; private set; }
    public List<string> Errors { get; } = [];
    public Guid? ErrorEndpoint { get; private set; }
    public string? DraftUrl { get; private set; }

    public async Task<IActionResult> OnPostCreateAsync(string? url, string[]? events, string? description, CancellationToken ct)
    {
        DraftUrl = url;
        try
        {
            if (string.IsNullOrWhiteSpace(url)) throw RequestValidationException.For("url", "A URL is required.");
            if (events is not { Length: > 0 }) throw RequestValidationException.For("events", "Pick at least one event.");
            var created = await endpoints.CreateAsync(TenantId, await WebhookEndpointRules.ValidateUrlAsync(url.Trim(), guard, env, ct),
                WebhookEndpointRules.ValidateEvents(events), true, string.IsNullOrWhiteSpace(description) ? null : description, ct);
            await audit.RecordAsync(Caller, "webhook.create", "webhook", created.Endpoint.Id.ToString(), null, created.Endpoint, ct);
            NewSecret = (created.Endpoint.Id, created.Secret);
            DraftUrl = null;
        }
        catch (RequestValidationException e) { Errors.AddRange(e.Errors.SelectMany(f => f.Value)); }
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostRotateAsync(Guid id, CancellationToken ct)
    {
        WebhookEndpointWithSecret rotated;
        try { rotated = await endpoints.RotateAsync(TenantId, id, ct); }
        catch (NotFoundException) { return NotFound(); }   // another tenant's endpoint
        await audit.RecordAsync(Caller, "webhook.rotate_secret", "webhook", id.ToString(), null, rotated.Endpoint, ct);
        NewSecret = (id, rotated.Secret);
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostEventsAsync(Guid id, string[]? events, CancellationToken ct)
    {
        WebhookEndpointView before;
        try { before = await endpoints.GetAsync(TenantId, id, ct); }
        catch (NotFoundException) { return NotFound(); }
        try
        {
            if (events is not { Length: > 0 })
                throw RequestValidationException.For("events", "Pick at least one event (or delete the endpoint).");
            var after = await endpoints.UpdateAsync(TenantId, id, null, WebhookEndpointRules.ValidateEvents(events), null, null, ct);
            await audit.RecordAsync(Caller, "webhook.update", "webhook", id.ToString(), before, after, ct);
        }
        catch (RequestValidationException e)
        {
            Errors.AddRange(e.Errors.SelectMany(f => f.Value));
            ErrorEndpoint = id;
            await LoadAsync(ct);
            return Page();
        }
        Flash = $"{before.Url} now receives: {string.Join(", ", events)}.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        WebhookEndpointView before;
        try { before = await endpoints.GetAsync(TenantId, id, ct); }
        catch (NotFoundException) { return NotFound(); }   // another tenant's endpoint
        await endpoints.DeleteAsync(TenantId, id, ct);
        await audit.RecordAsync(Caller, "webhook.delete", "webhook", id.ToString(), before, null, ct);
        Flash = $"Endpoint {before.Url} deleted: it receives nothing from now on.";
        return RedirectToPage();
    }
}
