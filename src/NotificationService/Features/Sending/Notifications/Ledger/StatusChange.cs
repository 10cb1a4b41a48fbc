using System.Text.Json.Nodes;
using NotificationService.Channels;
using NotificationService.Contracts;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>One committed move of a notification's status, as the ledger's subscribers hear it.</summary>
/// <param name="Source">Who moved it: api, worker, provider, user or system (the history row's source).</param>
/// <param name="Priority">Known where the writer read it with the notification (delivery outcomes); null elsewhere.</param>
/// <param name="TraceParent">The trace that jobs made for this change continue (W3C traceparent); null: the current activity's.</param>
/// <param name="Dimensions">Known where the writer read them with the notification (delivery outcomes); null elsewhere.</param>
public sealed record StatusChange(Guid NotificationId, Guid TenantId, string Channel, string Status, string? PreviousStatus,
    string Source, string? Detail, string? Error, DateTimeOffset At, StoredRecipient Recipient, JsonObject? Metadata,
    JobPriority? Priority = null, string? TraceParent = null, NotificationDimensions? Dimensions = null)
{
    /// <summary>When the notification was accepted: its id is a UUIDv7 made at accept, whose first 48 bits are Unix milliseconds.</summary>
    public DateTimeOffset AcceptedAt => Uuid7.Timestamp(NotificationId);
}

/// <summary>A notification as the worker sees it when the ledger hands it over for sending (<paramref name="ClaimedAt"/>: when
/// this attempt began).</summary>
public sealed record ClaimedNotification(
    Guid Id, Guid TenantId, string Channel, StoredRecipient Recipient, Guid? TemplateVersionId, string? Locale,
    StoredContent? Content, JsonObject? Data, string? Category, JsonObject? Metadata, int Attempts, DateTimeOffset ClaimedAt,
    JobPriority Priority, bool OverridePreferences = false, string? TemplateKey = null)
{
    /// <summary>A draft previewed as delivery would see it (bulk dry runs), before anything is stored.</summary>
    public static ClaimedNotification Of(NotificationDraft d) =>
        new(d.Id, d.TenantId, d.Channel, d.Recipient, d.TemplateVersionId, d.Locale, d.Content, d.Data, d.Category, d.Metadata,
            0, DateTimeOffset.UtcNow, d.Priority, d.OverridePreferences, d.TemplateKey);

    public Recipient ToRecipient() => new(Recipient.UserId, Recipient.Email, Recipient.Phone, Recipient.DeviceTokens, Chat: Recipient.Chat);

    public IReadOnlyDictionary<string, string>? MetadataStrings() =>
        Metadata?.ToDictionary(p => p.Key, p => p.Value is JsonValue v && v.TryGetValue<string>(out var s)
            ? s : p.Value?.ToJsonString() ?? "");
}

/// <summary>
/// What delivery analytics groups a notification by besides its channel and the workflow in its metadata, as its row holds
/// them after the change: the template's key, the category and the provider's kind (null where it has none).
/// </summary>
public sealed record NotificationDimensions(string? TemplateKey, string? Category, string? ProviderKind);
