namespace NotificationService.Channels;

/// <summary>The six channels. Names are the wire values used in the API, the database and as queue names.</summary>
public static class ChannelNames
{
    public const string Email = "email";
    public const string Sms = "sms";
    public const string Push = "push";
    public const string WhatsApp = "whatsapp";
    public const string InApp = "in_app";
    public const string Chat = "chat";

    public static readonly IReadOnlyList<string> All = [Email, Sms, Push, WhatsApp, InApp, Chat];

    public static bool IsKnown(string? channel) => channel is not null && All.Contains(channel);
}
