namespace NotificationService.Channels;

/// <summary>What a setting holds. Numbers and flags may also come as strings holding one (forms and hand-written JSON quote them).
/// </summary>
public enum SettingType { Text, Integer, Number, Boolean }

/// <summary>One field of a provider kind's settings or secrets; <paramref name="Choices"/>: the only values it takes, when it is an
/// enum; <paramref name="Min"/> and <paramref name="Max"/>: the range of a number.</summary>
public sealed record ProviderField(string Name, bool Required, string Description, IReadOnlyList<string>? Choices = null,
    SettingType Type = SettingType.Text, double? Min = null, double? Max = null);

/// <summary>What a provider kind is: the channels it serves and the settings/secrets it reads. A setting it does not declare is
/// refused at save, so every key a config holds is one something reads.</summary>
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
    private static ProviderField Opt(string name, string description, params string[] choices) =>
        new(name, false, description, choices.Length > 0 ? choices : null);
    private static ProviderField Num(string name, double min, double max, string description, bool required = false) =>
        new(name, required, description, Type: SettingType.Number, Min: min, Max: max);
    private static ProviderField Whole(string name, double min, double max, string description, bool required = false) =>
        new(name, required, description, Type: SettingType.Integer, Min: min, Max: max);
    private static ProviderField Flag(string name, string description) => new(name, false, description, Type: SettingType.Boolean);

    private const int MaxPoolSize = Channels.Smtp.SmtpEndpoint.MaxPoolSize;

    /// <summary>Settings every kind accepts next to its own: the rate limit and the circuit breaker (read by the service).</summary>
    public static readonly IReadOnlyList<ProviderField> CommonSettings =
    [
        Num("rateLimitPerSecond", 0.1, 100_000, "messages per second across all replicas, 0.1-100000 (default: no limit)"),
        Whole("circuitBreakerThreshold", 1, 1000, "consecutive failures that open the circuit, 1-1000 (default 5)"),
        Num("circuitBreakerOpenSeconds", 1, 3600, "seconds the circuit stays open, 1-3600 (default 30)"),
    ];

    private static ProviderKindSpec Kind(string kind, IReadOnlyList<string> channels, IReadOnlyList<ProviderField> settings,
        IReadOnlyList<ProviderField> secrets) => new(kind, channels, [.. settings, .. CommonSettings], secrets);

    public static readonly IReadOnlyList<ProviderKindSpec> Specs =
    [
        Kind(SendGrid, [ChannelNames.Email],
            [Opt("baseUrl", "default https://api.sendgrid.com"), Req("fromEmail", "verified sender address"),
             Opt("fromName", "sender display name"), Opt("replyTo", "reply-to address"),
             Opt("region", "global (default) | eu: SendGrid's EU data-residency host", "global", "eu"),
             Flag("sandboxMode", "true: SendGrid validates, delivers nothing"),
             Whole("unsubscribeGroupId", 1, int.MaxValue, "SendGrid unsubscribe group (ASM) id")],
            [Req("apiKey", "SendGrid API key (mail.send)"), Opt("eventWebhookPublicKey", "ECDSA public key of the signed Event Webhook")]),
        Kind(Smtp, [ChannelNames.Email],
            [Req("host", "SMTP server host"), Whole("port", 1, 65535, "1-65535", required: true),
             Req("tls", "none | starttls | implicit", "starttls", "implicit", "none"), Req("fromEmail", "envelope and header sender"),
             Opt("fromName", "sender display name"), Opt("username", "AUTH user name"), Opt("replyTo", "reply-to address"),
             Num("timeoutSeconds", 1, 600, "seconds to wait for the server, 1-600 (default 10)"),
             Whole("poolSize", 0, MaxPoolSize, $"open connections kept, 0-{MaxPoolSize} (default 4; 0: one per message)"),
             Opt("dkimDomain", "DKIM signing domain (d=)"), Opt("dkimSelector", "DKIM selector (s=)"),
             Flag("allowInvalidCertificate", "true: accept any TLS certificate (test servers only)")],
            [Opt("password", "AUTH password"), Opt("dkimPrivateKey", "PEM RSA private key for DKIM signing")]),
        Kind(TwilioSms, [ChannelNames.Sms],
            [Opt("baseUrl", "default https://api.twilio.com"), Req("accountSid", "AC + 32 hex"),
             Opt("from", "E.164 sender (or messagingServiceSid)"), Opt("messagingServiceSid", "MG + 32 hex (or from)")],
            [Req("authToken", "Twilio auth token")]),
        Kind(TwilioWhatsApp, [ChannelNames.WhatsApp],
            [Opt("baseUrl", "default https://api.twilio.com"), Req("accountSid", "AC + 32 hex"),
             Opt("from", "E.164 WhatsApp sender (or messagingServiceSid)"), Opt("messagingServiceSid", "MG + 32 hex (or from)")],
            [Req("authToken", "Twilio auth token")]),
        Kind(MetaWhatsApp, [ChannelNames.WhatsApp],
            [Opt("baseUrl", "default https://graph.facebook.com"), Opt("apiVersion", "default v23.0"),
             Req("phoneNumberId", "WhatsApp Business phone number id")],
            [Req("accessToken", "system user access token"), Opt("appSecret", "verifies X-Hub-Signature-256 of webhooks"),
             Opt("verifyToken", "webhook subscription verify token")]),
        Kind(Fcm, [ChannelNames.Push],
            [Opt("baseUrl", "default https://fcm.googleapis.com"), Req("projectId", "Firebase project id")],
            [Req("serviceAccountJson", "service-account key JSON (client_email, private_key, token_uri)")]),
        Kind(Slack, [ChannelNames.Chat], [],
            [Req("botToken", "bot token (xoxb-…) with chat:write; im:write for direct messages")]),
        Kind(SlackWebhook, [ChannelNames.Chat], [],
            [Req("webhookUrl", "incoming-webhook URL, https://hooks.slack.com/services/… (posts to the channel it was made for)")]),
        Kind(TeamsWebhook, [ChannelNames.Chat], [],
            [Opt("webhookUrl", "Workflows trigger URL, used when the recipient names no Teams webhook")]),
        Kind(DiscordWebhook, [ChannelNames.Chat], [],
            [Opt("webhookUrl", "webhook URL https://discord.com/api/webhooks/{id}/{token}, used when the recipient names none")]),
        Kind(Sandbox, ChannelNames.All,
            [Num("transientRate", 0, 1, "share of messages that fail with a simulated 503, 0-1"),
             Num("permanentRate", 0, 1, "share of messages refused for good, 0-1"),
             Num("throttleRate", 0, 1, "share of messages answered with a simulated 429, 0-1"),
             Num("retryAfterSeconds", 0, 3600, "the Retry-After of a simulated 429, 0-3600 (default 1)"),
             Num("latencyMs", 0, 60_000, "milliseconds each send takes, 0-60000 (default 0)")],
            []),
    ];

    public static readonly IReadOnlyList<string> All = Specs.Select(s => s.Kind).ToArray();

    public static ProviderKindSpec? Find(string? kind) => Specs.FirstOrDefault(s => s.Kind == kind);

    public static bool IsKnown(string? kind) => Find(kind) is not null;

    public static IReadOnlyList<string> ChannelsOf(string kind) => Find(kind)?.Channels ?? [];

    public static bool Serves(string kind, string channel) => ChannelsOf(kind).Contains(channel);
}
