using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Channels.Http;

namespace NotificationService.Channels.Meta;

/// <summary>
/// WhatsApp through Meta's Cloud API: <c>POST {baseUrl}/{apiVersion}/{phoneNumberId}/messages</c> with a Bearer access token.
/// Free-form text inside the customer-care window; a <see cref="WhatsAppTemplateRef"/> (name, language, body parameters) outside it.
/// </summary>
public sealed class MetaWhatsAppAdapter(IHttpClientFactory httpClientFactory) : IProviderAdapter
{
    public const string HttpClientName = "meta";
    public const string DefaultBaseUrl = "https://graph.facebook.com";
    public const string DefaultApiVersion = "v23.0";
    public const int MaxTextLength = 4096;

    public string Kind => ProviderKinds.MetaWhatsApp;
    public IReadOnlyList<string> Channels { get; } = [ChannelNames.WhatsApp];

    public async Task<DeliveryResult> SendAsync(OutgoingMessage message, ProviderConfig config, CancellationToken ct)
    {
        try
        {
            var phone = message.Recipient.Phone;
            if (!ProviderSettingsValidator.IsE164(phone))
                return new DeliveryResult.Permanent("meta_whatsapp: recipient phone is not an E.164 number", "invalid_recipient");
            var template = message.Content.WhatsAppTemplate;
            if (template is null && string.IsNullOrEmpty(message.Content.Body))
                return new DeliveryResult.Permanent("meta_whatsapp: message has no body", "invalid_content");
            if (template is null && message.Content.Body!.Length > MaxTextLength)
                return new DeliveryResult.Permanent($"meta_whatsapp: text exceeds {MaxTextLength} characters", "body_too_long");

            var version = config.Setting("apiVersion") is { Length: > 0 } v ? v : DefaultApiVersion;
            var phoneNumberId = config.RequiredSetting("phoneNumberId");
            var url = $"{ProviderHttp.BaseUrl(config, DefaultBaseUrl)}/{Uri.EscapeDataString(version)}/{Uri.EscapeDataString(phoneNumberId)}/messages";
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = ProviderHttp.Json(BuildBody(message, phone!)) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", config.RequiredSecret("accessToken"));

            using var response = await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, ct);
            var body = await ProviderHttp.ReadBodyAsync(response, ct);
            var json = TryParse(body);
            if (response.IsSuccessStatusCode)
                return new DeliveryResult.Sent(json?["messages"]?[0]?["id"]?.ToString());

            var status = (int)response.StatusCode;
            var err = json?["error"];
            int? code = err?["code"] is JsonValue cv && cv.TryGetValue<int>(out var c) ? c : null;
            var detail = err?["error_data"]?["details"]?.ToString() ?? err?["message"]?.ToString();
            return ProviderHttp.Failed("meta_whatsapp", status, response.Headers, code is { } known ? MetaErrorCodes.Classify(known) : null,
                code, detail);
        }
        catch (Exception ex)
        {
            return ProviderHttp.FromException("meta_whatsapp", ex, ct);
        }
    }

    internal static JsonObject BuildBody(OutgoingMessage message, string phone)
    {
        var body = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["recipient_type"] = "individual",
            ["to"] = phone,
        };
        if (message.Content.WhatsAppTemplate is { } template)
        {
            var t = new JsonObject
            {
                ["name"] = template.Name,
                // The v23.0 contract requires language.policy; "deterministic" is the only documented value.
                ["language"] = new JsonObject { ["policy"] = "deterministic", ["code"] = template.Language },
            };
            if (template.Parameters.Count > 0)
            {
                var parameters = new JsonArray();
                foreach (var p in template.Parameters) parameters.Add(new JsonObject { ["type"] = "text", ["text"] = p });
                t["components"] = new JsonArray(new JsonObject { ["type"] = "body", ["parameters"] = parameters });
            }
            body["type"] = "template";
            body["template"] = t;
        }
        else
        {
            body["type"] = "text";
            body["text"] = new JsonObject
            {
                ["preview_url"] = message.Content.Body!.Contains("https://", StringComparison.Ordinal),
                ["body"] = message.Content.Body,
            };
        }
        if (message.Metadata is not null && message.Metadata.TryGetValue("replyToMessageId", out var context)
            && !string.IsNullOrEmpty(context))
            body["context"] = new JsonObject { ["message_id"] = context };
        return body;
    }

    private static JsonNode? TryParse(string body)
    {
        try { return string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body); }
        catch (JsonException) { return null; }
    }
}
