using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Contracts;

namespace NotificationService.Features.Recipients;

/// <summary>
/// The rules of a profile document, checked field by field so that one answer names every bad field: email, phone
/// (E.164), name, locale (BCP 47), timezone (IANA), avatarUrl (https) and data (a JSON object of at most 16 KB). Each
/// may be null or absent. `userId` may repeat the path's, `createdAt`/`updatedAt` are ignored (a client can PUT back
/// what it read); anything else is an unknown property.
/// </summary>
public static class ProfileRules
{
    public const int MaxDataBytes = 16 * 1024;
    public const int MaxNameLength = 256;
    public const int MaxUrlLength = 2048;
    public const int MaxLocaleLength = 35;
    public static readonly string[] Fields = ["email", "phone", "name", "locale", "timezone", "avatarUrl", "data"];
    private static readonly string[] ReadOnly = ["userId", "createdAt", "updatedAt"];

    public static void CheckUserId(string? userId, string field, IDictionary<string, string[]> errors)
    {
        if (userId is not { Length: > 0 and <= RecipientRules.MaxUserIdLength } || string.IsNullOrWhiteSpace(userId))
            errors[field] = [$"userId must be 1 to {RecipientRules.MaxUserIdLength} characters."];
    }

    /// <summary>The document's fields, or null with every problem added to <paramref name="errors"/> under <paramref name="prefix"/>.</summary>
    public static ProfileFields? Read(JsonObject doc, string userId, string prefix, IDictionary<string, string[]> errors)
    {
        var before = errors.Count;
        foreach (var (key, value) in doc)
        {
            if (Fields.Contains(key)) continue;
            if (key == "userId" && (value is null || value is JsonValue v && v.TryGetValue<string>(out var id) && id == userId)) continue;
            if (key == "userId") errors[prefix + key] = ["userId is the path's (or the item's): it cannot change."];
            else if (!ReadOnly.Contains(key)) errors[prefix + key] = ["Unknown property."];
        }
        var email = Text(doc, "email", prefix, errors);
        if (email is not null && !RecipientRules.IsEmail(email)) errors[prefix + "email"] = ["Not a valid email address."];
        var phone = Text(doc, "phone", prefix, errors);
        if (phone is not null && !RecipientRules.E164().IsMatch(phone))
            errors[prefix + "phone"] = ["Not an E.164 phone number (+ then 7 to 15 digits, e.g. +14155550100)."];
        var name = Text(doc, "name", prefix, errors);
        if (name is not null && (name.Length > MaxNameLength || string.IsNullOrWhiteSpace(name)))
            errors[prefix + "name"] = [$"A name is 1 to {MaxNameLength} characters."];
        var locale = Text(doc, "locale", prefix, errors);
        if (locale is not null && (locale.Length > MaxLocaleLength || !RecipientRules.IsLocale(locale)))
            errors[prefix + "locale"] = ["Not a BCP 47 language tag (e.g. en, fr-CA)."];
        var timezone = Text(doc, "timezone", prefix, errors);
        if (timezone is not null && !IsIanaZone(timezone))
            errors[prefix + "timezone"] = [$"Unknown time zone '{Shorten(timezone)}': an IANA name such as Europe/Paris."];
        var avatar = Text(doc, "avatarUrl", prefix, errors);
        if (avatar is not null && !IsHttpsUrl(avatar)) errors[prefix + "avatarUrl"] = [$"An absolute https URL of at most {MaxUrlLength} characters."];
        JsonObject? data = null;
        string? dataText = null;
        switch (doc["data"])
        {
            case null: break;
            case JsonObject o when Encoding.UTF8.GetByteCount(dataText = o.ToJsonString()) > MaxDataBytes:
                errors[prefix + "data"] = [$"At most {MaxDataBytes / 1024} KB of JSON."]; break;
            case JsonObject o: data = o; break;
            default: errors[prefix + "data"] = ["A JSON object (or null)."]; break;
        }
        if (errors.Count > before) return null;
        return new ProfileFields(email is null ? null : Addresses.Normalize("email", email), phone, name, locale, timezone, avatar,
            data?.DeepClone().AsObject()) { DataText = dataText };
    }

    public static bool IsIanaZone(string id) =>
        id.Length <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId;

    private static bool IsHttpsUrl(string s) =>
        s.Length <= MaxUrlLength && Uri.TryCreate(s, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps && !string.IsNullOrEmpty(u.Host);

    private static string? Text(JsonObject doc, string field, string prefix, IDictionary<string, string[]> errors)
    {
        var node = doc[field];
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String) return v.GetValue<string>();
        errors[prefix + field] = ["A string (or null)."];
        return null;
    }

    private static string Shorten(string s) => s.Length <= 64 ? s : s[..64] + "…";
}
