using NotificationService.Channels.Outbound;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Webhooks;

/// <summary>What an endpoint's URL and event filter must be, shared by the admin API and the console so both refuse the
/// same input.</summary>
public static class WebhookEndpointRules
{
    public static string[] ValidateEvents(string[] events)
    {
        var unknown = events.Where(e => !WebhookOutbox.EventTypes.Contains(e)).ToList();
        if (unknown.Count > 0)
            throw RequestValidationException.For("events",
                $"Unknown event type(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", WebhookOutbox.EventTypes)}.");
        return events.Distinct().ToArray();
    }

    /// <summary>Absolute http(s), https outside Development, and a target that passes the SSRF guard.</summary>
    public static async Task<string> ValidateUrlAsync(string raw, OutboundGuard guard, IHostEnvironment env, CancellationToken ct)
    {
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http")
                || !string.IsNullOrEmpty(url.UserInfo))
            throw RequestValidationException.For("url", "An absolute http(s) URL without credentials is required.");
        if (url.Scheme == "http" && !env.IsDevelopment())
            throw RequestValidationException.For("url", "Webhook URLs must use https.");
        if (await guard.CheckAsync(url.IdnHost, ct) is { } refusal)
            throw RequestValidationException.For("url", $"Refused: {refusal}. An operator can allow it with Outbound:AllowedTargets.");
        return url.ToString();
    }
}
