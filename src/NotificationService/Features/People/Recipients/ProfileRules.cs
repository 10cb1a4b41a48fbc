using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Contracts;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.Recipients;

/// <summary>
/// The rules of a profile document, checked field by field so that one answer names every bad field: email, phone
/// (E.164), name, locale (BCP 47), timezone (IANA), avatarUrl (https) and data (a JSON object of at most 16 KB). Each
/// may be null or absent; `chat` is a chat destination (<see cref="ChatRules"/>). `userId` may repeat the path's,
/// `createdAt`/`updatedAt` are ignored (a client can PUT back
/// what it read); anything else is an unknown property.
/// </summary>
public static class ProfileRules
{
    public const int MaxDataBytes = 16 * 1024;
    public const int MaxNameLength = 256;
    public const int MaxUrlLength = 2048;
    public const int MaxLocaleLength = 35;
    private static readonly string[] ReadOnly = ["userId", "createdAt", "updatedAt"];

    public static void CheckUserId(string? userId, string field, IDictionary<string, string[]> errors)
    {
        if (UserIdRule.Problem(userId) is { } problem) errors[field] = [problem];
    }

    /// <summary>The document's fields, or null with every problem added to <paramref name="errors"/> under
    /// <paramref name="prefix"/>.</summary>
    public static ProfileFields? Read(JsonObject doc, string userId, string prefix, IDictionary<string, string[]> errors,
        bool inBulk = false) =>
        Read(JsonSerializer.SerializeToElement(doc, JsonBody.Options), userId, prefix, errors, inBulk);

    /// <summary>
    /// The same, read from a <see cref="JsonElement"/> where it lies (no tree is built: a bulk identify reads 1,000 of
    /// these per request). <paramref name="inBulk"/>: a bulk item, whose boolean `merge` is not a field.
    /// </summary>
    public static ProfileFields? Read(JsonElement doc, string userId, string prefix, IDictionary<string, string[]> errors,
        bool inBulk = false)
    {
        var before = errors.Count;
        if (doc.ValueKind != JsonValueKind.Object)
        {
            errors[prefix.Length == 0 ? "$" : prefix.TrimEnd('.')] = ["A JSON object."];
            return null;
        }
        string? email = null, phone = null, name = null, locale = null, timezone = null, avatar = null, dataText = null, chatText = null;
        foreach (var p in doc.EnumerateObject())
        {
            var v = p.Value;
            if (p.NameEquals("email")) email = Text(v, "email", prefix, errors);
            else if (p.NameEquals("phone")) phone = Text(v, "phone", prefix, errors);
            else if (p.NameEquals("name")) name = Text(v, "name", prefix, errors);
            else if (p.NameEquals("locale")) locale = Text(v, "locale", prefix, errors);
            else if (p.NameEquals("timezone")) timezone = Text(v, "timezone", prefix, errors);
            else if (p.NameEquals("avatarUrl")) avatar = Text(v, "avatarUrl", prefix, errors);
            else if (p.NameEquals("data")) dataText = DataText(v, prefix, errors);
            else if (p.NameEquals("chat"))
                chatText = ChatRules.Read(v, prefix + "chat", errors) is { } chat
                    ? JsonSerializer.Serialize(chat, JsonBody.Options)
                    : null;
            else if (p.NameEquals("userId"))
            {
                if (v.ValueKind != JsonValueKind.Null && !(v.ValueKind == JsonValueKind.String && v.ValueEquals(userId)))
                    errors[prefix + "userId"] = ["userId is the path's (or the item's): it cannot change."];
            }
            else if (inBulk && p.NameEquals("merge")) continue;
            else if (!ReadOnly.Contains(p.Name)) errors[prefix + p.Name] = ["Unknown property."];
        }
        if (email is not null && !RecipientRules.IsEmail(email)) errors[prefix + "email"] = ["Not a valid email address."];
        if (phone is not null && !RecipientRules.E164().IsMatch(phone))
            errors[prefix + "phone"] = ["Not an E.164 phone number (+ then 7 to 15 digits, e.g. +14155550100)."];
        if (name is not null && (name.Length > MaxNameLength || string.IsNullOrWhiteSpace(name)))
            errors[prefix + "name"] = [$"A name is 1 to {MaxNameLength} characters."];
        if (locale is not null && (locale.Length > MaxLocaleLength || !RecipientRules.IsLocale(locale)))
            errors[prefix + "locale"] = ["Not a BCP 47 language tag (e.g. en, fr-CA)."];
        if (timezone is not null && !IsIanaZone(timezone))
            errors[prefix + "timezone"] = [$"Unknown time zone '{Shorten(timezone)}': an IANA name such as Europe/Paris."];
        if (avatar is not null && !IsHttpsUrl(avatar))
            errors[prefix + "avatarUrl"] = [$"An absolute https URL of at most {MaxUrlLength} characters."];
        if (errors.Count > before) return null;
        return new ProfileFields(email is null ? null : Addresses.Normalize("email", email), phone, name, locale, timezone, avatar,
            dataText, chatText);
    }

    /// <summary>`data` as compact JSON text (what is stored, and what its 16 KB are counted on), or null when null.</summary>
    private static string? DataText(JsonElement value, string prefix, IDictionary<string, string[]> errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null: return null;
            case JsonValueKind.Object:
                var text = JsonSerializer.Serialize(value);
                if (Encoding.UTF8.GetByteCount(text) <= MaxDataBytes) return text;
                errors[prefix + "data"] = [$"At most {MaxDataBytes / 1024} KB of JSON."];
                return null;
            default:
                errors[prefix + "data"] = ["A JSON object (or null)."];
                return null;
        }
    }

    public static bool IsIanaZone(string id) =>
        id.Length <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId;

    private static bool IsHttpsUrl(string s) =>
        s.Length <= MaxUrlLength && Uri.TryCreate(s, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps
            && !string.IsNullOrEmpty(u.Host);

    private static string? Text(JsonElement value, string field, string prefix, IDictionary<string, string[]> errors)
    {
        if (value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        errors[prefix + field] = ["A string (or null)."];
        return null;
    }

    private static string Shorten(string s) => s.Length <= 64 ? s : s[..64] + "…";
}
