using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace NotificationService.Channels;

/// <summary>
/// Per-kind validation of a provider config's settings and secrets. Errors are keyed by field path
/// (`settings.accountSid`, `secrets.serviceAccountJson`, `kind`, `channel`) in the shape of ValidationProblemDetails.
/// Messages never echo secret values.
/// </summary>
public static partial class ProviderSettingsValidator
{
    [GeneratedRegex("^AC[0-9a-fA-F]{32}$")] private static partial Regex AccountSidRegex();
    [GeneratedRegex("^MG[0-9a-fA-F]{32}$")] private static partial Regex MessagingServiceSidRegex();
    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}$")] private static partial Regex E164Regex();
    [GeneratedRegex("^v[0-9]+\\.[0-9]+$")] private static partial Regex GraphVersionRegex();
    [GeneratedRegex("^[0-9]+$")] private static partial Regex DigitsRegex();
    [GeneratedRegex("^[a-z][a-z0-9-]{3,61}[a-z0-9]$")] private static partial Regex ProjectIdRegex();

    public static bool IsE164(string? phone) => phone is not null && E164Regex().IsMatch(phone);

    /// <summary>A bare address (no display name), as accepted by System.Net.Mail.</summary>
    public static bool IsEmail(string? email) =>
        !string.IsNullOrWhiteSpace(email) && email.Length <= 254 && MailAddress.TryCreate(email, out var a)
        && string.Equals(a.Address, email, StringComparison.Ordinal) && string.IsNullOrEmpty(a.DisplayName);

    public static IReadOnlyDictionary<string, string[]> Validate(string? kind, string? channel, JsonObject? settings,
        IReadOnlyDictionary<string, string>? secrets)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string key, string message)
        {
            if (!errors.TryGetValue(key, out var list)) errors[key] = list = [];
            list.Add(message);
        }

        settings ??= [];
        secrets ??= new Dictionary<string, string>();
        var spec = ProviderKinds.Find(kind);
        if (spec is null)
        {
            Add("kind", $"Unknown provider kind '{kind}'. Known kinds: {string.Join(", ", ProviderKinds.All)}.");
            return Freeze(errors);
        }
        if (!ChannelNames.IsKnown(channel))
            Add("channel", $"Unknown channel '{channel}'. Known channels: {string.Join(", ", ChannelNames.All)}.");
        else if (!spec.Channels.Contains(channel!))
            Add("channel", $"Provider kind '{kind}' cannot deliver on channel '{channel}'; it serves {string.Join(", ", spec.Channels)}.");

        string? S(string name) => settings.TryGetPropertyValue(name, out var v) && v is not null
            ? (v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString())
            : null;
        string? Secret(string name) => secrets.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : null;

        // Every key a config holds is one the kind declares: what nothing reads is a typo the caller would never hear of.
        foreach (var (name, value) in settings)
        {
            if (spec.Settings.FirstOrDefault(f => f.Name == name) is not { } field)
                Add("settings." + name, $"'{name}' is not a setting of {kind}; known: {Names(spec.Settings)}.");
            else if (value is not null && ShapeProblem(field, value) is { } problem)
                Add("settings." + name, problem);
        }
        foreach (var unknown in secrets.Keys.Where(name => spec.Secrets.All(f => f.Name != name)))
            Add("secrets." + unknown, $"'{unknown}' is not a secret of {kind}; known: {Names(spec.Secrets)}.");
        foreach (var f in spec.Settings.Where(f => f.Required))
            if (string.IsNullOrWhiteSpace(S(f.Name))) Add("settings." + f.Name, $"'{f.Name}' is required for {kind}.");
        foreach (var f in spec.Secrets.Where(f => f.Required))
            if (Secret(f.Name) is null) Add("secrets." + f.Name, $"'{f.Name}' is required for {kind}.");

        if (S("baseUrl") is { } baseUrl && !IsHttpUrl(baseUrl))
            Add("settings.baseUrl", "'baseUrl' must be an absolute http or https URL.");

        switch (kind)
        {
            case ProviderKinds.SendGrid:
                CheckEmail("fromEmail");
                CheckEmail("replyTo");
                break;
            case ProviderKinds.Smtp:
                CheckEmail("fromEmail");
                CheckEmail("replyTo");
                if (S("host") is { } host && Uri.CheckHostName(host) == UriHostNameType.Unknown)
                    Add("settings.host", "'host' is not a valid host name or IP address.");
                if (Secret("password") is not null && string.IsNullOrWhiteSpace(S("username")))
                    Add("settings.username", "'username' is required when a password is set.");
                CheckDkim();
                break;
            case ProviderKinds.TwilioSms:
            case ProviderKinds.TwilioWhatsApp:
                if (S("accountSid") is { } sid && !AccountSidRegex().IsMatch(sid))
                    Add("settings.accountSid", "'accountSid' must be 'AC' followed by 32 hexadecimal characters.");
                var from = S("from");
                var mg = S("messagingServiceSid");
                if (string.IsNullOrWhiteSpace(from) && string.IsNullOrWhiteSpace(mg))
                    Add("settings.from", "Either 'from' (an E.164 number) or 'messagingServiceSid' is required.");
                if (!string.IsNullOrWhiteSpace(from))
                {
                    var number = from.StartsWith("whatsapp:", StringComparison.Ordinal) ? from["whatsapp:".Length..] : from;
                    if (!IsE164(number)) Add("settings.from", "'from' must be an E.164 phone number such as +14155550100.");
                }
                if (!string.IsNullOrWhiteSpace(mg) && !MessagingServiceSidRegex().IsMatch(mg))
                    Add("settings.messagingServiceSid", "'messagingServiceSid' must be 'MG' followed by 32 hexadecimal characters.");
                break;
            case ProviderKinds.MetaWhatsApp:
                if (S("apiVersion") is { } version && !GraphVersionRegex().IsMatch(version))
                    Add("settings.apiVersion", "'apiVersion' must look like v23.0.");
                if (S("phoneNumberId") is { } pid && !DigitsRegex().IsMatch(pid))
                    Add("settings.phoneNumberId", "'phoneNumberId' must be the numeric phone number id.");
                break;
            case ProviderKinds.SlackWebhook or ProviderKinds.TeamsWebhook or ProviderKinds.DiscordWebhook:
                if (Secret("webhookUrl") is { } hook && Chat.ChatUrls.Problem(kind, hook) is { } hookProblem)
                    Add("secrets.webhookUrl", hookProblem);
                break;
            case ProviderKinds.Fcm:
                if (S("projectId") is { } project && !ProjectIdRegex().IsMatch(project))
                    Add("settings.projectId", "'projectId' is not a valid Firebase project id.");
                if (Secret("serviceAccountJson") is { } json)
                    foreach (var problem in ServiceAccountProblems(json))
                        Add("secrets.serviceAccountJson", problem);
                break;
        }
        return Freeze(errors);

        void CheckDkim()
        {
            var (domain, selector, key) = (S("dkimDomain"), S("dkimSelector"), Secret("dkimPrivateKey"));
            if (domain is null && selector is null && key is null) return;
            if (string.IsNullOrWhiteSpace(domain) || Uri.CheckHostName(domain) != UriHostNameType.Dns)
                Add("settings.dkimDomain", "'dkimDomain' must be the signing domain name when DKIM is configured.");
            if (string.IsNullOrWhiteSpace(selector) || Uri.CheckHostName(selector) != UriHostNameType.Dns)
                Add("settings.dkimSelector", "'dkimSelector' must be a DNS label when DKIM is configured.");
            if (key is null) Add("secrets.dkimPrivateKey", "'dkimPrivateKey' is required when DKIM is configured.");
            else
            {
                try { Smtp.SmtpDkim.CreateSigner(key, "example.com", "s"); }
                catch (Http.ProviderConfigException) { Add("secrets.dkimPrivateKey", "'dkimPrivateKey' is not a PEM private key."); }
            }
        }

        void CheckEmail(string name)
        {
            if (S(name) is { } v && !string.IsNullOrWhiteSpace(v) && !IsEmail(v))
                Add("settings." + name, $"'{name}' is not a valid email address.");
        }
    }

    /// <summary>
    /// Why a setting's value does not fit its declared type, choices or range; null when it does. Read back as the adapters read it
    /// (<see cref="ProviderConfig.Setting"/>: the JSON value's text), so a value accepted here is one they understand.
    /// </summary>
    private static string? ShapeProblem(ProviderField field, JsonNode value)
    {
        var kind = value.GetValueKind();
        var text = kind == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
        var scalar = kind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False;
        var name = field.Name;
        switch (field.Type)
        {
            case SettingType.Boolean:
                return scalar && bool.TryParse(text, out _) ? null : $"'{name}' must be true or false.";
            case SettingType.Integer or SettingType.Number:
                var whole = field.Type == SettingType.Integer;
                var range = (field.Min, field.Max) is ({ } min, { } max)
                    ? $" from {min.ToString(Invariant)} to {max.ToString(Invariant)}" : "";
                var expected = $"'{name}' must be {(whole ? "a whole number" : "a number")}{range}.";
                if (kind is not (JsonValueKind.String or JsonValueKind.Number)) return expected;
                if (!double.TryParse(text, whole ? NumberStyles.AllowLeadingSign : NumberStyles.Float, Invariant, out var v)
                    || !double.IsFinite(v)) return expected;
                return v < (field.Min ?? double.MinValue) || v > (field.Max ?? double.MaxValue) ? expected : null;
            default:
                if (kind is not (JsonValueKind.String or JsonValueKind.Number)) return $"'{name}' must be a string.";
                return field.Choices is { } choices && !string.IsNullOrEmpty(text) && !choices.Contains(text)
                    ? $"'{name}' must be one of {string.Join(", ", choices)}." : null;
        }
    }

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static string Names(IReadOnlyList<ProviderField> fields) => string.Join(", ", fields.Select(f => f.Name).DefaultIfEmpty("none"));

    public static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)
            && !string.IsNullOrEmpty(u.Host);

    /// <summary>The token endpoint a service-account JSON names, when it is a usable URL.</summary>
    public static Uri? TokenUri(string json)
    {
        try
        {
            return JsonNode.Parse(json) is JsonObject o && o["token_uri"] is JsonValue v && v.GetValueKind() == JsonValueKind.String
                && Uri.TryCreate(v.GetValue<string>(), UriKind.Absolute, out var u) ? u : null;
        }
        catch (JsonException) { return null; }
    }

    /// <summary>What is wrong with a service-account JSON (never echoes its content).</summary>
    public static IEnumerable<string> ServiceAccountProblems(string json)
    {
        JsonObject? obj;
        try { obj = JsonNode.Parse(json) as JsonObject; }
        catch (JsonException) { obj = null; }
        if (obj is null)
        {
            yield return "'serviceAccountJson' is not a parseable JSON object.";
            yield break;
        }
        foreach (var field in new[] { "client_email", "private_key", "token_uri" })
            if (obj[field] is not JsonValue v || v.GetValueKind() != JsonValueKind.String
                || string.IsNullOrWhiteSpace(v.GetValue<string>()))
                yield return $"'serviceAccountJson' has no '{field}'.";
        if (obj["token_uri"] is JsonValue t && t.GetValueKind() == JsonValueKind.String && !IsHttpUrl(t.GetValue<string>()))
            yield return "'serviceAccountJson' token_uri must be an absolute http or https URL.";
        if (obj["private_key"] is JsonValue k && k.GetValueKind() == JsonValueKind.String
            && !k.GetValue<string>().Contains("PRIVATE KEY", StringComparison.Ordinal))
            yield return "'serviceAccountJson' private_key is not a PEM private key.";
    }

    private static IReadOnlyDictionary<string, string[]> Freeze(Dictionary<string, List<string>> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}
