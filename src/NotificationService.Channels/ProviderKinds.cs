namespace NotificationService.Channels;

/// <summary>One field of a provider kind's settings or secrets; <paramref name="Choices"/>: the only values it takes, when it is an
/// enum.</summary>
public sealed record ProviderField(string Name, bool Required, string Description, IReadOnlyList<string>? Choices = null);

/// <summary>What a provider kind is: the channels it serves and the settings/secrets it reads.</summary>
public sealed record ProviderKindSpec(string Kind, IReadOnlyList<string> Channels, IReadOnlyList<ProviderField> Settings,
    IReadOnlyList<ProviderField> Secrets);

/// <summary>
/// The provider kinds (the `kind` of a provider config), the channels each one serves and its per-kind fields,
/// so that the API, the admin console and scripts agree. Validation lives in <see cref="ProviderSettingsValidator"/>.
/// </summary>
public static class ProviderKinds
{
    public const string SendGrid = "sendgrid";
    public const string Smtp = "smtp";
    public const string TwilioSms = "twilio_sms";
    public const string TwilioWhatsApp = "twilio_whatsapp";
    public const string MetaWhatsApp = "meta_whatsapp";
    public const string Fcm = "fcm";
    public const string Slack = "slack";
    public const string SlackWebhook = "slack_webhook";
    public const string TeamsWebhook = "teams_webhook";
    public const string DiscordWebhook = "discord_webhook";
    public const string Sandbox = "sandbox";

    private static ProviderField Req(string name, string description, params string[] choices) =>
        new(name, true, description, choices.Length > 0 ? choices : null);
    private static ProviderField Opt(string name, string description) => new(name, false, description);

    public static readonly IReadOnlyList<ProviderKindSpec> Specs =
    [
        new(SendGrid, [ChannelNames.Email],
            [Opt("baseUrl", "default https://api.sendgrid.com"), Req("fromEmail", "verified sender address"),
             Opt("fromName", "sender display name"), Opt("replyTo", "reply-to address"),
             Opt("region", "global (default) | eu: SendGrid's EU data-residency host"),
             Opt("sandboxMode", "true: SendGrid validates, delivers nothing"),
             Opt("unsubscribeGroupId", "SendGrid unsubscribe group (ASM) id")],
            [Req("apiKey", "SendGrid API key (mail.send)"), Opt("eventWebhookPublicKey", "ECDSA public key of the signed Event Webhook")]),
        new(Smtp, [ChannelNames.Email],
            [Req("host", "SMTP server host"), Req("port", "1-65535"),
             Req("tls", "none | starttls | implicit", "starttls", "implicit", "none"), Req("fromEmail", "envelope and header sender"),
             Opt("fromName", "sender display name"), Opt("username", "AUTH user name"),
             Opt("poolSize", "open connections kept, 0-32 (default 4; 0: one per message)"), Opt("dkimDomain", "DKIM signing domain (d=)"),
             Opt("dkimSelector", "DKIM selector (s=)")],
            [Opt("password", "AUTH password"), Opt("dkimPrivateKey", "PEM RSA private key for DKIM signing")]),
        new(TwilioSms, [ChannelNames.Sms],
            [Opt("baseUrl", "default https://api.twilio.com"), Req("accountSid", "AC + 32 hex"),
             Opt("from", "E.164 sender (or messagingServiceSid)"), Opt("messagingServiceSid", "MG + 32 hex (or from)")],
            [Req("authToken", "Twilio auth token")]),
        new(TwilioWhatsApp, [ChannelNames.WhatsApp],
            [Opt("baseUrl", "default https://api.twilio.com"), Req("accountSid", "AC + 32 hex"),
             Opt("from", "E.164 WhatsApp sender (or messagingServiceSid)"), Opt("messagingServiceSid", "MG + 32 hex (or from)")],
            [Req("authToken", "Twilio auth token")]),
        new(MetaWhatsApp, [ChannelNames.WhatsApp],
            [Opt("baseUrl", "default https://graph.facebook.com"), Opt("apiVersion", "default v23.0"),
             Req("phoneNumberId", "WhatsApp Business phone number id")],
            [Req("accessToken", "system user access token"), Opt("appSecret", "verifies X-Hub-Signature-256 of webhooks"),
             Opt("verifyToken", "webhook subscription verify token")]),
        new(Fcm, [ChannelNames.Push],
            [Opt("baseUrl", "default https://fcm.googleapis.com"), Req("projectId", "Firebase project id")],
            [Req("serviceAccountJson", "service-account key JSON (client_email, private_key, token_uri)")]),
        new(Slack, [ChannelNames.Chat], [],
            [Req("botToken", "bot token (xoxb-…) with chat:write; im:write for direct messages")]),
        new(SlackWebhook, [ChannelNames.Chat], [],
            [Req("webhookUrl", "incoming-webhook URL, https://hooks.slack.com/services/… (posts to the channel it was made for)")]),
        new(TeamsWebhook, [ChannelNames.Chat], [],
            [Opt("webhookUrl", "Workflows trigger URL, used when the recipient names no Teams webhook")]),
        new(DiscordWebhook, [ChannelNames.Chat], [],
            [Opt("webhookUrl", "webhook URL https://discord.com/api/webhooks/{id}/{token}, used when the recipient names none")]),
        new(Sandbox, ChannelNames.All, [], []),
    ];

    public static readonly IReadOnlyList<string> All = Specs.Select(s => s.Kind).ToArray();

    public static ProviderKindSpec? Find(string? kind) => Specs.FirstOrDefault(s => s.Kind == kind);

    public static bool IsKnown(string? kind) => Find(kind) is not null;

    public static IReadOnlyList<string> ChannelsOf(string kind) => Find(kind)?.Channels ?? [];

    public static bool Serves(string kind, string channel) => ChannelsOf(kind).Contains(channel);
}
