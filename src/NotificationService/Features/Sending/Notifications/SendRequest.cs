using System.Text.Json.Nodes;
using NotificationService.Contracts;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>What a send and a batch have in common: everything but who receives it.</summary>
public abstract record SendParts
{
    public string? Channel { get; init; }
    public string[]? Channels { get; init; }
    public string? Template { get; init; }
    public ContentDto? Content { get; init; }
    public JsonObject? Data { get; init; }
    public string? Locale { get; init; }
    public string? Category { get; init; }
    public string? Priority { get; init; }
    public DateTimeOffset? SendAt { get; init; }
    public JsonObject? Metadata { get; init; }
    /// <summary>
    /// When the in_app item leaves the user's inbox, lists and counts (ISO 8601 date-time, in the future, at most a year
    /// ahead, after sendAt). in_app only: a send without the in_app channel is a 400.
    /// </summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>
    /// in_app only: items that share a thread key show as one row with a count in the inbox component (at most 200
    /// characters). Stored as the in_app notification's `metadata.thread`, where a sender may also put it.
    /// </summary>
    public string? Thread { get; init; }
    /// <summary>Deliver past the recipients' opt-outs and quiet hours (needs the `notifications:override` scope).</summary>
    public bool? OverridePreferences { get; init; }
}

/// <summary>`POST /send`. Unknown properties are rejected (see JsonBody).</summary>
public sealed record SendRequest : SendParts
{
    public SendRecipient? Recipient { get; init; }
}

/// <summary>
/// Who a send is for. With a `userId` and no address for the channel, the address is the user's profile's at delivery
/// time. <see cref="Profile"/>: a JSON Merge Patch (RFC 7396) of that profile, applied in the accept transaction.
/// <see cref="Topics"/> (with <see cref="ExcludeUserIds"/>) instead of a person: a fan-out to every member of the topics
/// (Features/Sending/Topics), accepted at once whatever their size.
/// </summary>
public sealed record SendRecipient
{
    public string? UserId { get; init; }
    public string? Email { get; init; }
    public string? Phone { get; init; }
    public string[]? DeviceTokens { get; init; }
    /// <summary>The chat channel's destination, for this send: {"slack": {"channelId"|"userId"}, "teams": {"webhookUrl"},
    /// "discord": {"webhookUrl"}}; `{}` leaves it to the chat provider configs' own webhook URLs (a service-level alert).</summary>
    public NotificationService.Channels.Chat.ChatDestination? Chat { get; init; }
    /// <summary>Profile fields to merge (email, phone, name, locale, timezone, avatarUrl, data; null removes one). Needs userId.</summary>
    public JsonObject? Profile { get; init; }
    /// <summary>Send to every member of these topics (one notification per member and channel, however many topics they share).</summary>
    public string[]? Topics { get; init; }
    /// <summary>With topics: members who do not get this send (the user whose action caused it, say).</summary>
    public string[]? ExcludeUserIds { get; init; }

    /// <summary>A send to topics rather than to one recipient.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsTopicSend => Topics is not null || ExcludeUserIds is not null;

    public RecipientDto ToDto() => new() { UserId = UserId, Email = Email, Phone = Phone, DeviceTokens = DeviceTokens, Chat = Chat };
}

public sealed record ContentDto
{
    public string? Subject { get; init; }
    /// <summary>Another name for `subject` (what an inbox calls it); give one of the two.</summary>
    public string? Title { get; init; }
    public string? Body { get; init; }
    public string? Html { get; init; }
    /// <summary>in_app action buttons (at most two); each label and url is template text over `data`.</summary>
    public ActionDto[]? Actions { get; init; }
}

public sealed record ActionDto
{
    public string? Label { get; init; }
    public string? Url { get; init; }
}

/// <summary>The 202 answer for one notification.</summary>
public sealed record AcceptedNotification(Guid Id, string Status, string Channel, string StatusUrl);
