using NotificationService.Channels;
using NotificationService.Contracts;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// A recipient as the console shows it: the address the channel delivers to (an email's address, an SMS's phone, an
/// in-app or push message's user id), not whichever field happens to be first; the raw stored JSON is for the API.
/// </summary>
public static class RecipientText
{
    public static string For(string channel, RecipientDto r) => (channel switch
    {
        ChannelNames.Email => r.Email,
        ChannelNames.Sms or ChannelNames.WhatsApp => r.Phone,
        ChannelNames.InApp => r.UserId,
        ChannelNames.Push => r.UserId ?? (r.DeviceTokens is { Length: > 0 } t ? $"{t.Length} device token(s)" : null),
        _ => null,
    }) ?? r.Email ?? r.Phone ?? r.UserId ?? "—";

    /// <summary>Every field that is set, labelled ("user ada · ada@example.com"), for where the whole recipient matters.</summary>
    public static string Full(RecipientDto r)
    {
        var fields = new[] { r.UserId is { } u ? $"user {u}" : null, r.Email, r.Phone, r.DeviceTokens is { Length: > 0 } t ? $"{t.Length} device token(s)" : null };
        var set = fields.Where(f => f is not null).ToList();
        return set.Count == 0 ? "—" : string.Join(" · ", set);
    }
}
