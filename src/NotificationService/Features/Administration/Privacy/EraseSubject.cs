using System.Text.Json;
using NotificationService.Features.People.Preferences;

namespace NotificationService.Features.Administration.Privacy;

/// <summary>
/// Who an erase is about: the userId, and what else names the person in stored data (the profile's and the user's
/// notifications' addresses, the profile's name). Kept encrypted in the erase job's row while it runs, never in job
/// arguments or logs.
/// </summary>
public sealed record EraseSubject(string UserId, string[] Emails, string[] Phones, string? Name)
{
    /// <summary>Values shorter than this are erased where they are stored as fields, but not searched for in free text
    /// (a two-letter name would match half of every log line).</summary>
    public const int MinSearchLength = 3;

    public static EraseSubject Of(string userId) => new(userId, [], [], null);

    /// <summary>What free text (errors, audit entries, stored files) must not mention: lower-cased, distinct.</summary>
    public string[] SearchValues => [.. new[] { UserId, Name }.Concat(Emails).Concat(Phones).OfType<string>()
        .Where(v => v.Trim().Length >= MinSearchLength).Select(v => v.ToLowerInvariant()).Distinct(StringComparer.Ordinal)];

    /// <summary>The keys the person's preferences may be stored under: the user's and their addresses' (Preferences/UserKeys).</summary>
    public string[] PreferenceKeys => [UserKeys.ForUser(UserId), .. Emails.Select(e => "email:" + e), .. Phones.Select(p => "phone:" + p)];

    public string[] Addresses => [.. Emails, .. Phones];

    public IReadOnlyDictionary<string, string> ToSecrets() => new Dictionary<string, string>
    {
        ["userId"] = UserId, ["emails"] = JsonSerializer.Serialize(Emails), ["phones"] = JsonSerializer.Serialize(Phones),
        ["name"] = Name ?? "",
    };

    public static EraseSubject FromSecrets(IReadOnlyDictionary<string, string> s) => new(s["userId"],
        JsonSerializer.Deserialize<string[]>(s.GetValueOrDefault("emails") ?? "[]") ?? [],
        JsonSerializer.Deserialize<string[]>(s.GetValueOrDefault("phones") ?? "[]") ?? [],
        s.GetValueOrDefault("name") is { Length: > 0 } name ? name : null);
}
