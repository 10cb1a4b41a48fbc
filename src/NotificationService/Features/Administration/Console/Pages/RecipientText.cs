using NotificationService.Channels;
using NotificationService.Channels.Chat;
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
        ChannelNames.Chat => Chat(r.Chat) ?? r.UserId,
        _ => null,
    }) ?? r.Email ?? r.Phone ?? r.UserId ?? "—";

    /// <summary>A chat destination: the Slack conversation, or the webhook's platform and host (its URL holds a token).</summary>
    public static string? Chat(ChatDestination? chat) => chat switch
    {
        { Slack.ChannelId: { } channel } => $"Slack channel {channel}",
        { Slack.UserId: { } user } => $"Slack user {user}",
        { Teams.WebhookUrl: { } teams } => $"Teams webhook on {HostOf(teams)}",
        { Discord.WebhookUrl: { } discord } => $"Discord webhook on {HostOf(discord)}",
        null => null,
        _ => "the configs' own webhooks",
    };

    private static string HostOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.Host : "an invalid URL";

    /// <summary>Every field that is set, labelled ("user ada · ada@example.com"), for where the whole recipient matters.</summary>
    public static string Full(RecipientDto r)
    {
        var fields = new[] { r.UserId is { } u ? $"user {u}" : null, r.Email, r.Phone,
            r.DeviceTokens is { Length: > 0 } t ? $"{t.Length} device token(s)" : null, Chat(r.Chat) };
        var set = fields.Where(f => f is not null).ToList();
        return set.Count == 0 ? "—" : string.Join(" · ", set);
    }
}
