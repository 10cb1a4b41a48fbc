using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Channels.Chat;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.Recipients;

/// <summary>
/// What a profile says about a person, validated and normalized (email lower-cased): every field optional. `data` is
/// kept as the compact JSON text the rules checked (and the store writes), and parsed only where a tree is wanted
/// (<see cref="Data"/>): a bulk identify of 1,000 profiles or a delivery batch's profile read builds no tree for it.
/// Its JSON form (<see cref="ToJson"/>, absent fields left out) is the document a merge patch applies to.
/// </summary>
public sealed record ProfileFields(string? Email, string? Phone, string? Name, string? Locale, string? Timezone, string? AvatarUrl,
    string? DataJson, string? ChatJson = null)
{
    public static readonly ProfileFields Empty = new(null, null, null, null, null, null, null);

    /// <summary>`data` as a tree of its own (parsed at each call, so no caller shares or re-parents another's).</summary>
    public JsonObject? Data => DataJson is null ? null : JsonNode.Parse(DataJson) as JsonObject;

    /// <summary>Where the person is reached on chat (checked by the rules when written).</summary>
    public ChatDestination? Chat => ChatJson is null ? null : JsonSerializer.Deserialize<ChatDestination>(ChatJson, JsonBody.Options);

    public JsonObject ToJson()
    {
        var doc = new JsonObject();
        if (Email is not null) doc["email"] = Email;
        if (Phone is not null) doc["phone"] = Phone;
        if (Name is not null) doc["name"] = Name;
        if (Locale is not null) doc["locale"] = Locale;
        if (Timezone is not null) doc["timezone"] = Timezone;
        if (AvatarUrl is not null) doc["avatarUrl"] = AvatarUrl;
        if (Data is { } data) doc["data"] = data;
        if (ChatJson is not null) doc["chat"] = JsonNode.Parse(ChatJson);
        return doc;
    }
}

/// <summary>A stored profile: one per (tenant, userId).</summary>
public sealed record StoredProfile(string UserId, ProfileFields Fields, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public ProfileView ToView() => new(UserId, Fields.Email, Fields.Phone, Fields.Name, Fields.Locale, Fields.Timezone, Fields.AvatarUrl,
        Fields.Data, CreatedAt, UpdatedAt, Fields.Chat);
}

/// <summary>A recipient profile as the API shows it.</summary>
public sealed record ProfileView(string UserId, string? Email, string? Phone, string? Name, string? Locale, string? Timezone,
    string? AvatarUrl, JsonObject? Data, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, ChatDestination? Chat = null);

/// <summary>`PUT /users/{userId}` body (and, for the OpenAPI document, what a merge patch and a bulk item may name). Read
/// as JSON, so that a merge patch can tell `null` (remove) from absent (keep); this type only describes it.</summary>
public record ProfileDocument
{
    public string? Email { get; init; }
    /// <summary>E.164, e.g. +14155550100.</summary>
    public string? Phone { get; init; }
    public string? Name { get; init; }
    /// <summary>BCP 47, e.g. fr-CA.</summary>
    public string? Locale { get; init; }
    /// <summary>IANA, e.g. Europe/Paris.</summary>
    public string? Timezone { get; init; }
    /// <summary>https only.</summary>
    public string? AvatarUrl { get; init; }
    /// <summary>Free JSON, at most 16 KB.</summary>
    public JsonObject? Data { get; init; }
    /// <summary>Where the person is reached on chat: {"slack": {"channelId"|"userId", "teamId"}, "teams": {"webhookUrl"},
    /// "discord": {"webhookUrl"}}; webhook URLs only on the platform's own hosts.</summary>
    public ChatDestination? Chat { get; init; }
}

public sealed record ProfilePage(IReadOnlyList<ProfileView> Items, string? NextCursor);

/// <summary>
/// One write of a profile: a replacement (PUT) or a merge patch (RFC 7396) of the stored one. The document is a
/// <see cref="JsonElement"/>, so an item of a bulk identify is read where it lies in the request; <see cref="InBulk"/>: it
/// is such an item, whose `merge` flag sits beside the fields.
/// </summary>
public sealed record ProfileWrite(string UserId, bool Merge, JsonElement Document)
{
    public bool InBulk { get; init; }

    public static ProfileWrite Of(string userId, bool merge, JsonObject document) =>
        new(userId, merge, JsonSerializer.SerializeToElement(document, JsonBody.Options));
}

/// <summary>What became of one write: `created`, `updated`, or `error` with the fields that were wrong (nothing written).
/// <paramref name="Blocked"/>: the error is that the user was erased with `block=true` (a 409 where one write is the request).</summary>
public sealed record ProfileWriteResult(string? UserId, string Status, StoredProfile? Profile = null,
    IDictionary<string, string[]>? Errors = null, bool Blocked = false)
{
    public const string Created = "created", Updated = "updated", Error = "error";
}
