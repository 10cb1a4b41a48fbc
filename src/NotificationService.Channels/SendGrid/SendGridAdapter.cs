using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Channels.Http;

namespace NotificationService.Channels.SendGrid;

/// <summary>
/// Email through SendGrid's v3 REST API: <c>POST {baseUrl}/v3/mail/send</c> with a Bearer API key.
/// Our notification and tenant ids travel in personalizations[].custom_args so event webhooks carry them back.
/// </summary>
public sealed class SendGridAdapter(IHttpClientFactory httpClientFactory) : IProviderAdapter
{
    public const string HttpClientName = "sendgrid";
    public const string DefaultBaseUrl = "https://api.sendgrid.com";

    public string Kind => ProviderKinds.SendGrid;
    public IReadOnlyList<string> Channels { get; } = [ChannelNames.Email];

    public async Task<DeliveryResult> SendAsync(OutgoingMessage message, ProviderConfig config, CancellationToken ct)
    {
        try
        {
            var to = message.Recipient.Email;
            if (!ProviderSettingsValidator.IsEmail(to))
                return new DeliveryResult.Permanent("sendgrid: recipient has no valid email address", "invalid_recipient");
            if (string.IsNullOrWhiteSpace(message.Content.Subject))
                return new DeliveryResult.Permanent("sendgrid: email subject is empty", "invalid_content");
            if (string.IsNullOrEmpty(message.Content.Body) && string.IsNullOrEmpty(message.Content.Html))
                return new DeliveryResult.Permanent("sendgrid: email has neither text nor html content", "invalid_content");

            var url = ProviderHttp.BaseUrl(config, DefaultBaseUrl) + "/v3/mail/send";
            var apiKey = config.RequiredSecret("apiKey");
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = ProviderHttp.Json(BuildBody(message, config, to!)),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);

            using var response = await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.IsSuccessStatusCode)
            {
                var id = response.Headers.TryGetValues("X-Message-Id", out var values) ? values.FirstOrDefault() : null;
                return new DeliveryResult.Sent(id);
            }

            var body = await ProviderHttp.ReadBodyAsync(response, ct);
            var status = (int)response.StatusCode;
            var error = $"sendgrid: HTTP {status}{Detail(body)}";
            var retryAfter = ProviderHttp.RetryAfter(response) ?? RateLimitReset(response);
            return ProviderHttp.Result(SendGridErrorCodes.Classify(response.StatusCode), error, status.ToString(), retryAfter);
        }
        catch (Exception ex)
        {
            return ProviderHttp.FromException("sendgrid", ex, ct);
        }
    }

    internal static JsonObject BuildBody(OutgoingMessage message, ProviderConfig config, string to)
    {
        var personalization = new JsonObject
        {
            ["to"] = new JsonArray(new JsonObject { ["email"] = to }),
            // custom_args (string values only) come back on every event webhook. Per-personalization on purpose:
            // the top-level custom_args is mistyped in the published OpenAPI document.
            ["custom_args"] = new JsonObject
            {
                ["notification_id"] = message.NotificationId.ToString(),
                ["tenant_id"] = message.TenantId.ToString(),
            },
        };

        var from = new JsonObject { ["email"] = config.RequiredSetting("fromEmail") };
        if (config.Setting("fromName") is { Length: > 0 } fromName) from["name"] = fromName;

        var content = new JsonArray();
        // SendGrid requires text/plain before text/html.
        if (!string.IsNullOrEmpty(message.Content.Body)) content.Add(new JsonObject { ["type"] = "text/plain", ["value"] = message.Content.Body });
        if (!string.IsNullOrEmpty(message.Content.Html)) content.Add(new JsonObject { ["type"] = "text/html", ["value"] = message.Content.Html });

        var body = new JsonObject
        {
            ["personalizations"] = new JsonArray(personalization),
            ["from"] = from,
            ["subject"] = message.Content.Subject,
            ["content"] = content,
        };
        if (config.Setting("replyTo") is { Length: > 0 } replyTo) body["reply_to"] = new JsonObject { ["email"] = replyTo };
        if (!string.IsNullOrWhiteSpace(message.Category)) body["categories"] = new JsonArray(Truncate(message.Category, 255));

        if (message.OneClickUnsubscribeUrl is { } unsubscribe && ProviderSettingsValidator.IsHttpUrl(unsubscribe))
        {
            body["headers"] = new JsonObject
            {
                ["List-Unsubscribe"] = $"<{unsubscribe}>",
                ["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click",
            };
        }
        return body;
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    private static TimeSpan? RateLimitReset(HttpResponseMessage response)
    {
        // SendGrid documents X-RateLimit-Reset as a Unix timestamp.
        if (response.Headers.TryGetValues("X-RateLimit-Reset", out var values) && long.TryParse(values.FirstOrDefault(), out var epoch))
        {
            var wait = DateTimeOffset.FromUnixTimeSeconds(epoch) - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    private static string Detail(string body)
    {
        try
        {
            if (JsonNode.Parse(body)?["errors"] is JsonArray { Count: > 0 } errors)
            {
                var parts = errors.Select(e => e?["field"] is { } f ? $"{f}: {e?["message"]}" : e?["message"]?.ToString()).Where(p => !string.IsNullOrEmpty(p));
                return ": " + ProviderHttp.Clip(string.Join("; ", parts));
            }
        }
        catch (JsonException) { }
        return "";
    }
}
