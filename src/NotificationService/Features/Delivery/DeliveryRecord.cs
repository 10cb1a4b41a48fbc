using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Channels;
using NotificationService.Features.Notifications;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Delivery;

/// <summary>A notification as the worker sees it when it claims it for sending.</summary>
public sealed record DeliveryRecord(
    Guid Id, Guid TenantId, string Channel, RecipientDto Recipient, Guid? TemplateVersionId, string? Locale,
    ContentDto? Content, JsonObject? Data, string? Category, JsonObject? Metadata, int Attempts)
{
    public Recipient ToRecipient() => new(Recipient.UserId, Recipient.Email, Recipient.Phone, Recipient.DeviceTokens);

    public IReadOnlyDictionary<string, string>? MetadataStrings() =>
        Metadata?.ToDictionary(p => p.Key, p => p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : p.Value?.ToJsonString() ?? "");

    public static RecipientDto ParseRecipient(string json) => JsonSerializer.Deserialize<RecipientDto>(json, JsonBody.Options)!;
    public static ContentDto? ParseContent(string? json) => json is null ? null : JsonSerializer.Deserialize<ContentDto>(json, JsonBody.Options);
}
