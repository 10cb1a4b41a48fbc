using NotificationService.Contracts;

namespace NotificationService.Features.People.Preferences;

/// <summary>
/// Whose preferences a notification is checked against. A recipient with a userId is that user (`u:&lt;userId&gt;`);
/// one without (an email or phone number only) is keyed by its normalized address (`email:…`, `phone:…`), so a
/// one-click unsubscribe from an anonymous address still sticks. Prefixes keep a userId that looks like an address
/// from ever meaning that address.
/// </summary>
public static class UserKeys
{
    public static string ForUser(string userId) => "u:" + userId;

    /// <summary>The userId of a user's key; null for an address key.</summary>
    public static string? UserIdOf(string key) => key.StartsWith("u:", StringComparison.Ordinal) ? key[2..] : null;

    public static string? Of(string? userId, string channel, string? email, string? phone)
    {
        if (!string.IsNullOrEmpty(userId)) return ForUser(userId);
        if (!Addresses.Suppressible(channel)) return null;   // push to tokens only: tenant defaults apply
        return Addresses.Of(channel, email, phone) is { } address ? (channel == "email" ? "email:" : "phone:") + address : null;
    }
}
