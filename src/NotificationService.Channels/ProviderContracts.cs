using System.Text.Json.Nodes;
using NotificationService.Channels.Chat;

namespace NotificationService.Channels;

/// <summary>A tenant's provider configuration, secrets already decrypted (never logged, never returned by the API).</summary>
public sealed record ProviderConfig(
    Guid Id,
    Guid TenantId,
    string Channel,
    string Kind,
    string Name,
    int Priority,
    JsonObject Settings,
    IReadOnlyDictionary<string, string> Secrets)
{
    public string? Setting(string name) => Settings.TryGetPropertyValue(name, out var v) && v is not null ? v.ToString() : null;
    public string? Secret(string name) => Secrets.TryGetValue(name, out var v) ? v : null;
}

public sealed record Recipient(string? UserId = null, string? Email = null, string? Phone = null,
    IReadOnlyList<string>? DeviceTokens = null, string? Topic = null, ChatDestination? Chat = null);

/// <summary>A provider-side WhatsApp template (used outside the 24-hour customer-care window).</summary>
public sealed record WhatsAppTemplateRef(string Name, string Language, IReadOnlyList<string> Parameters);

/// <summary>What the template (or inline content) rendered to. Which fields are set depends on the channel.</summary>
public sealed record RenderedContent(
    string? Subject = null,
    string? Body = null,
    string? Html = null,
    string? Title = null,
    string? ImageUrl = null,
    string? ActionUrl = null,
    string? Icon = null,
    IReadOnlyDictionary<string, string>? Data = null,
    WhatsAppTemplateRef? WhatsAppTemplate = null,
    IReadOnlyList<ContentAction>? Actions = null,
    ChatRichParts? Chat = null);

/// <summary>A chat template's structured parts as rendered and checked against the platform's limits: Slack Block Kit
/// `blocks`, an Adaptive Card `card`, Discord `embeds`. The text is <see cref="RenderedContent.Body"/>.</summary>
public sealed record ChatRichParts(JsonArray? Blocks = null, JsonObject? Card = null, JsonArray? Embeds = null);

/// <summary>An in_app action button: what it says and where it leads (a link already held to the link rules).</summary>
public sealed record ContentAction(string Label, string Url);

/// <summary>One message to one recipient on one channel.</summary>
public sealed record OutgoingMessage(
    Guid NotificationId,
    Guid TenantId,
    string Channel,
    Recipient Recipient,
    RenderedContent Content,
    IReadOnlyDictionary<string, string>? Metadata = null,
    string? Category = null,
    /// <summary>Public base URL of this service, for provider status callbacks (e.g. Twilio StatusCallback).</summary>
    string? CallbackBaseUrl = null,
    /// <summary>RFC 8058 one-click unsubscribe URL (commercial email): List-Unsubscribe and List-Unsubscribe-Post headers.</summary>
    string? UnsubscribeUrl = null)
{
    /// <summary>The one-click URL: the service's own signed link, else (as before) a tenant's `unsubscribeUrl` metadata entry.</summary>
    public string? OneClickUnsubscribeUrl =>
        UnsubscribeUrl ?? (Metadata is not null && Metadata.TryGetValue("unsubscribeUrl", out var url) ? url : null);
}

/// <summary>
/// The outcome of one provider call, classified by the adapter. The channel (not the adapter) decides
/// what to do with it: retry, postpone, fail, or fail over to the next provider.
/// </summary>
public abstract record DeliveryResult
{
    private DeliveryResult() { }

    /// <summary>Accepted by the provider. <paramref name="DeadTokens"/>: push tokens the provider reported as unregistered.</summary>
    public sealed record Sent(string? ProviderMessageId, IReadOnlyList<string>? DeadTokens = null) : DeliveryResult;

    /// <summary>May succeed later (timeouts, 5xx, provider-transient codes): retried with backoff.</summary>
    public sealed record Transient(string Error, string? Code = null, TimeSpan? RetryAfter = null) : DeliveryResult;

    /// <summary>Rate limited: postponed by <paramref name="RetryAfter"/> without consuming an attempt.</summary>
    public sealed record Throttled(TimeSpan RetryAfter, string Error, string? Code = null) : DeliveryResult;

    /// <summary>Can never succeed for this message (bad number, unregistered token, 400): not retried.</summary>
    public sealed record Permanent(string Error, string? Code = null, IReadOnlyList<string>? DeadTokens = null) : DeliveryResult;

    /// <summary>The provider configuration itself is broken (401/403, bad credentials): try the next provider.</summary>
    public sealed record ProviderFailure(string Error, string? Code = null) : DeliveryResult;
}

/// <summary>One provider kind (sendgrid, smtp, twilio_sms, …). Stateless; one instance serves every tenant.</summary>
public interface IProviderAdapter
{
    /// <summary>The `kind` value of provider configs this adapter serves.</summary>
    string Kind { get; }

    /// <summary>The channels this kind can deliver.</summary>
    IReadOnlyList<string> Channels { get; }

    /// <summary>Sends one message. Must not throw for provider or network errors: classify them instead.</summary>
    Task<DeliveryResult> SendAsync(OutgoingMessage message, ProviderConfig config, CancellationToken ct);
}
