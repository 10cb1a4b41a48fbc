using System.Text.Json;
using System.Text.Json.Serialization;
using NotificationService.Channels;
using NotificationService.Channels.Chat;
using NotificationService.Contracts;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>
/// The recipient as the `notifications.recipient` jsonb column holds it. Its own type, not the API's RecipientDto, so
/// the API can change without a data migration; the names stay those rows have carried since the first migration.
/// </summary>
public sealed record StoredRecipient(string? UserId, string? Email, string? Phone, string[]? DeviceTokens)
{
    /// <summary>
    /// The topics a fan-out reached this member through (Features/Sending/Topics): a topic mute is checked against them at send
    /// time. Absent (not null) on every other notification, so other rows do not grow and the fan-out's partial unique
    /// index (`recipient ? 'topics'`) holds fan-out rows only.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string[]? Topics { get; init; }

    /// <summary>A chat send's inline destination. Absent on every other notification, so their rows do not grow.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ChatDestination? Chat { get; init; }

    public static StoredRecipient From(RecipientDto r) => new(r.UserId, r.Email, r.Phone, r.DeviceTokens) { Chat = r.Chat };

    public RecipientDto ToDto() => new() { UserId = UserId, Email = Email, Phone = Phone, DeviceTokens = DeviceTokens, Chat = Chat };

    public static StoredRecipient Parse(string json) => JsonSerializer.Deserialize(json, StoredJson.Default.StoredRecipient)!;

    public string ToJson() => JsonSerializer.Serialize(this, StoredJson.Default.StoredRecipient);
}

/// <summary>Inline content (`notifications.content` jsonb) of a send without a template:
/// each part is itself a template over `data`.</summary>
public sealed record StoredContent(string? Subject, string? Body, string? Html,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] StoredAction[]? Actions = null)
{
    /// <summary>The channel's content: `title` stands for `subject`; only in_app keeps the action buttons.</summary>
    public static StoredContent? From(ContentDto? c, string channel) => c is null ? null : new(c.Subject ?? c.Title, c.Body, c.Html,
        channel == ChannelNames.InApp && c.Actions is { Length: > 0 } a
            ? [.. a.Select(x => new StoredAction(x.Label ?? "", x.Url ?? ""))] : null);

    public static StoredContent? Parse(string? json) =>
        json is null ? null : JsonSerializer.Deserialize(json, StoredJson.Default.StoredContent);

    public string ToJson() => JsonSerializer.Serialize(this, StoredJson.Default.StoredContent);
}

/// <summary>An in_app action button of inline content (label and url are templates over `data`).</summary>
public sealed record StoredAction(string Label, string Url);

/// <summary>Source-generated (de)serialization of what the ledger stores: no reflection on the accept and delivery paths.
/// Nulls are written, as rows have always had them (the status API shows the recipient as stored).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StoredRecipient))]
[JsonSerializable(typeof(StoredContent))]
internal sealed partial class StoredJson : JsonSerializerContext;
