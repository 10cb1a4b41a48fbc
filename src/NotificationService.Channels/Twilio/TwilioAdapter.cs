using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Channels.Http;

namespace NotificationService.Channels.Twilio;

/// <summary>Twilio SMS: <c>POST {baseUrl}/2010-04-01/Accounts/{accountSid}/Messages.json</c>, form-encoded, Basic auth.</summary>
public sealed class TwilioSmsAdapter(IHttpClientFactory httpClientFactory) : TwilioAdapterBase(httpClientFactory)
{
    public override string Kind => ProviderKinds.TwilioSms;
    public override IReadOnlyList<string> Channels { get; } = [ChannelNames.Sms];
    protected override bool WhatsApp => false;
}

/// <summary>
/// Twilio WhatsApp: the same Messages API with <c>whatsapp:+E164</c> addresses. A message with a
/// <see cref="WhatsAppTemplateRef"/> is sent as an approved Content template: its Name is the Content SID (HX…),
/// its Parameters become ContentVariables {"1": …, "2": …}.
/// </summary>
public sealed class TwilioWhatsAppAdapter(IHttpClientFactory httpClientFactory) : TwilioAdapterBase(httpClientFactory)
{
    public override string Kind => ProviderKinds.TwilioWhatsApp;
    public override IReadOnlyList<string> Channels { get; } = [ChannelNames.WhatsApp];
    protected override bool WhatsApp => true;
}

public abstract class TwilioAdapterBase(IHttpClientFactory httpClientFactory) : IProviderAdapter
{
    public const string HttpClientName = "twilio";
    public const string DefaultBaseUrl = "https://api.twilio.com";
    public const int MaxBodyLength = 1600;

    public abstract string Kind { get; }
    public abstract IReadOnlyList<string> Channels { get; }
    protected abstract bool WhatsApp { get; }

    private string Provider => Kind;

    public async Task<DeliveryResult> SendAsync(OutgoingMessage message, ProviderConfig config, CancellationToken ct)
    {
        try
        {
            var phone = message.Recipient.Phone;
            if (!ProviderSettingsValidator.IsE164(phone))
                return new DeliveryResult.Permanent($"{Provider}: recipient phone is not an E.164 number", "invalid_recipient");

            var form = BuildForm(message, config, phone!);
            if (form is null)
                return new DeliveryResult.Permanent($"{Provider}: message has no body", "invalid_content");
            if (form.TryGetValue("Body", out var text) && text.Length > MaxBodyLength)
                return new DeliveryResult.Permanent($"{Provider}: body exceeds {MaxBodyLength} characters", "body_too_long");

            var accountSid = config.RequiredSetting("accountSid");
            var authToken = config.RequiredSecret("authToken");
            var url = $"{ProviderHttp.BaseUrl(config, DefaultBaseUrl)}/2010-04-01/Accounts/{Uri.EscapeDataString(accountSid)}/Messages.json";
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
            request.Headers.Authorization = ProviderHttp.Basic(accountSid, authToken);

            using var response = await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, ct);
            var body = await ProviderHttp.ReadBodyAsync(response, ct);
            if (response.IsSuccessStatusCode)
                return new DeliveryResult.Sent(TryParse(body)?["sid"]?.ToString());

            var status = (int)response.StatusCode;
            var json = TryParse(body);
            int? code = json?["code"] is JsonValue v && v.TryGetValue<int>(out var c) ? c : null;
            var kind = (code is { } known ? TwilioErrorCodes.Classify(known) : null) ?? ProviderHttp.ClassifyStatus(response.StatusCode);
            var detail = json?["message"]?.ToString();
            var error = $"{Provider}: HTTP {status}" + (code is null ? "" : $" code {code}") + (string.IsNullOrEmpty(detail) ? "" : ": " + ProviderHttp.Clip(detail));
            return ProviderHttp.Result(kind, error, code?.ToString() ?? status.ToString(), ProviderHttp.RetryAfter(response));
        }
        catch (Exception ex)
        {
            return ProviderHttp.FromException(Provider, ex, ct);
        }
    }

    internal Dictionary<string, string>? BuildForm(OutgoingMessage message, ProviderConfig config, string phone)
    {
        var form = new Dictionary<string, string> { ["To"] = Address(phone) };
        if (config.Setting("messagingServiceSid") is { Length: > 0 } mg) form["MessagingServiceSid"] = mg;
        else form["From"] = Address(config.RequiredSetting("from"));

        var template = WhatsApp ? message.Content.WhatsAppTemplate : null;
        if (template is not null)
        {
            form["ContentSid"] = template.Name;
            if (template.Parameters.Count > 0)
            {
                var variables = new JsonObject();
                for (var i = 0; i < template.Parameters.Count; i++) variables[(i + 1).ToString()] = template.Parameters[i];
                form["ContentVariables"] = variables.ToJsonString();
            }
        }
        else
        {
            if (string.IsNullOrEmpty(message.Content.Body)) return null;
            form["Body"] = message.Content.Body;
        }

        if (!string.IsNullOrWhiteSpace(message.CallbackBaseUrl))
            form["StatusCallback"] = $"{message.CallbackBaseUrl.TrimEnd('/')}/webhooks/twilio/{config.Id}";
        return form;
    }

    private string Address(string number)
    {
        if (!WhatsApp) return number;
        return number.StartsWith("whatsapp:", StringComparison.Ordinal) ? number : "whatsapp:" + number;
    }

    private static JsonNode? TryParse(string body)
    {
        try { return string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body); }
        catch (JsonException) { return null; }
    }
}
