using System.Text.Json.Nodes;

namespace NotificationService.Contracts;

/// <summary>
/// One spelling per address, so a bounce reported as "Ada@Example.com" suppresses "ada@example.com" and
/// a Meta wa_id "14155550100" or Twilio "whatsapp:+14155550100" matches the "+14155550100" we sent to.
/// </summary>
public static class Addresses
{
    public static bool Suppressible(string channel) => channel is "email" or "sms" or "whatsapp";

    public static string? Normalize(string channel, string? address)
    {
        if (string.IsNullOrWhiteSpace(address)) return null;
        var a = address.Trim();
        if (channel == "email") return a.ToLowerInvariant();
        if (a.StartsWith("whatsapp:", StringComparison.OrdinalIgnoreCase)) a = a[9..];
        var digits = new string(a.Where(char.IsAsciiDigit).ToArray());
        return digits.Length == 0 ? null : "+" + digits;
    }

    /// <summary>The address a recipient is reached at on its channel (email for email, phone otherwise).</summary>
    public static string? Of(string channel, string? email, string? phone) => Normalize(channel, channel == "email" ? email : phone);

    /// <summary>What webhook payloads show: enough to recognise, not enough to harvest.</summary>
    public static JsonObject Mask(string? email, string? phone, string? userId, int? deviceTokens)
    {
        var masked = new JsonObject();
        if (email is not null)
        {
            var at = email.IndexOf('@');
            masked["email"] = at <= 0 ? "***" : email[0] + "***" + email[at..];
        }
        if (phone is not null)
            masked["phone"] = phone.Length <= 4
                ? "***"
                : phone[..Math.Min(3, phone.Length - 2)] + new string('*', Math.Max(0, phone.Length - 5)) + phone[^2..];
        if (userId is not null) masked["userId"] = userId;
        if (deviceTokens is { } tokens) masked["deviceTokens"] = tokens;
        return masked;
    }
}
