using System.Text.Json.Nodes;

namespace NotificationService.Features.Recipients;

/// <summary>
/// What a profile says about a person, validated and normalized (email lower-cased): every field optional. Its JSON
/// form (<see cref="ToJson"/>, absent fields left out) is the document a merge patch applies to.
/// </summary>
public sealed record ProfileFields(string? Email, string? Phone, string? Name, string? Locale, string? Timezone, string? AvatarUrl, JsonObject? Data)
{
    public static readonly ProfileFields Empty = new(null, null, null, null, null, null, null);

    /// <summary>`data` as JSON text when the rules already wrote it out (its size check), so the store does not write it
    /// out a second time; null otherwise (the store then does).</summary>
    public string? DataText { get; init; }

    public JsonObject ToJson()
    {
        var doc = new JsonObject();
        if (Email is not null) doc["email"] = Email;
        if (Phone is not null) doc["phone"] = Phone;
        if (Name is not null) doc["name"] = Name;
        if (Locale is not null) doc["locale"] = Locale;
        if (Timezone is not null) doc["timezone"] = Timezone;
        if (AvatarUrl is not null) doc["avatarUrl"] = AvatarUrl;
        if (Data is not null) doc["data"] = Data.DeepClone();
        return doc;
    }
}

/// <summary>A stored profile: one per (tenant, userId).</summary>
public sealed record StoredProfile(string UserId, ProfileFields Fields, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public ProfileView ToView() => new(UserId, Fields.Email, Fields.Phone, Fields.Name, Fields.Locale, Fields.Timezone, Fields.AvatarUrl,
        Fields.Data, CreatedAt, UpdatedAt);
}

/// <summary>A recipient profile as the API shows it.</summary>
public sealed record ProfileView(string UserId, string? Email, string? Phone, string? Name, string? Locale, string? Timezone, string? AvatarUrl,
    JsonObject? Data, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>`PUT /users/{userId}` body (and, for the OpenAPI document, what a merge patch may name). Read as JSON nodes, so
/// that a merge patch can tell `null` (remove) from absent (keep); this type only describes it.</summary>
public sealed record ProfileDocument
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
}

public sealed record ProfilePage(IReadOnlyList<ProfileView> Items, string? NextCursor);

/// <summary>One write of a profile: a replacement (PUT) or a merge patch (RFC 7396) of the stored one.</summary>
public sealed record ProfileWrite(string UserId, bool Merge, JsonObject Document);

/// <summary>What became of one write: `created`, `updated`, or `error` with the fields that were wrong (nothing written).
/// <paramref name="Blocked"/>: the error is that the user was erased with `block=true` (a 409 where one write is the request).</summary>
public sealed record ProfileWriteResult(string? UserId, string Status, StoredProfile? Profile = null, IDictionary<string, string[]>? Errors = null,
    bool Blocked = false)
{
    public const string Created = "created", Updated = "updated", Error = "error";
}
