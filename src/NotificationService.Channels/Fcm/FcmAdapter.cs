using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Channels.Http;

namespace NotificationService.Channels.Fcm;

/// <summary>
/// Push through FCM HTTP v1: <c>POST {baseUrl}/v1/projects/{projectId}/messages:send</c>, one request per device
/// token (or one for a topic), with an OAuth2 access token from the service-account JSON. A 401 refreshes the token
/// once. UNREGISTERED / SENDER_ID_MISMATCH tokens come back in DeadTokens so the device registry can deactivate them.
/// </summary>
public sealed class FcmAdapter(IHttpClientFactory httpClientFactory, IFcmAccessTokenSource tokens) : IProviderAdapter
{
    public const string HttpClientName = "fcm";
    public const string DefaultBaseUrl = "https://fcm.googleapis.com";
    public const int MaxTokenLength = 4096;

    public string Kind => ProviderKinds.Fcm;
    public IReadOnlyList<string> Channels { get; } = [ChannelNames.Push];

    private sealed record Attempt(string? Target, DeliveryResult Result, bool DeadToken);

    public async Task<DeliveryResult> SendAsync(OutgoingMessage message, ProviderConfig config, CancellationToken ct)
    {
        try
        {
            var deviceTokens = (message.Recipient.DeviceTokens ?? []).Distinct().ToList();
            var topic = message.Recipient.Topic;
            if (deviceTokens.Count == 0 && string.IsNullOrWhiteSpace(topic))
                return new DeliveryResult.Permanent("fcm: recipient has no device tokens or topic", "no_target");
            if (string.IsNullOrEmpty(message.Content.Title) && string.IsNullOrEmpty(message.Content.Body)
                && (message.Content.Data is null || message.Content.Data.Count == 0))
                return new DeliveryResult.Permanent("fcm: push has no title, body or data", "invalid_content");

            var url = $"{ProviderHttp.BaseUrl(config, DefaultBaseUrl)}/v1/projects/{Uri.EscapeDataString(config.RequiredSetting("projectId"))}/messages:send";
            var serviceAccountJson = config.RequiredSecret("serviceAccountJson");

            if (deviceTokens.Count == 0)
                return (await SendOneAsync(url, serviceAccountJson, message, ("topic", topic!), ct)).Result;

            var attempts = new List<Attempt>();
            foreach (var token in deviceTokens)
            {
                if (string.IsNullOrWhiteSpace(token) || token.Length > MaxTokenLength)
                {
                    attempts.Add(new Attempt(token, new DeliveryResult.Permanent("fcm: empty or oversized device token", "invalid_token"),
                        DeadToken: true));
                    continue;
                }
                var attempt = await SendOneAsync(url, serviceAccountJson, message, ("token", token), ct);
                attempts.Add(attempt);
                // A broken config or a throttle affects every other token too: stop here.
                if (attempt.Result is DeliveryResult.ProviderFailure or DeliveryResult.Throttled) break;
            }
            return Combine(attempts);
        }
        catch (Exception ex)
        {
            return ex is FcmAuthException auth
                ? new DeliveryResult.ProviderFailure("fcm: " + auth.Message, "auth")
                : ProviderHttp.FromException("fcm", ex, ct);
        }
    }

    /// <summary>
    /// Several tokens: delivered if any token took it (dead tokens reported alongside); otherwise the most actionable
    /// failure — provider failure, then throttled, then transient — and permanent only when every token failed for good.
    /// </summary>
    private static DeliveryResult Combine(List<Attempt> attempts)
    {
        var dead = attempts.Where(a => a.DeadToken && a.Target is not null).Select(a => a.Target!).ToList();
        IReadOnlyList<string>? deadOrNull = dead.Count > 0 ? dead : null;
        var sent = attempts.Select(a => a.Result).OfType<DeliveryResult.Sent>().ToList();
        if (sent.Count > 0) return new DeliveryResult.Sent(sent[0].ProviderMessageId, deadOrNull);

        var results = attempts.Select(a => a.Result).ToList();
        if (results.OfType<DeliveryResult.ProviderFailure>().FirstOrDefault() is { } pf) return pf;
        if (results.OfType<DeliveryResult.Throttled>().FirstOrDefault() is { } th) return th;
        if (results.OfType<DeliveryResult.Transient>().FirstOrDefault() is { } tr) return tr;
        var first = results.OfType<DeliveryResult.Permanent>().First();
        var error = results.Count == 1 ? first.Error : $"fcm: all {results.Count} device tokens failed permanently (first: {first.Error})";
        return new DeliveryResult.Permanent(error, first.Code, deadOrNull);
    }

    private async Task<Attempt> SendOneAsync(string url, string serviceAccountJson, OutgoingMessage message,
        (string Field, string Value) target, CancellationToken ct)
    {
        var token = target.Field == "token" ? target.Value : null;
        var payload = BuildBody(message, target.Field, target.Value);
        var client = httpClientFactory.CreateClient(HttpClientName);
        for (var attempt = 0; ; attempt++)
        {
            var accessToken = await tokens.GetTokenAsync(serviceAccountJson, forceRefresh: attempt > 0, ct);
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = ProviderHttp.Json(payload) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            using var response = await client.SendAsync(request, ct);
            var body = await ProviderHttp.ReadBodyAsync(response, ct);
            var json = TryParse(body);
            if (response.IsSuccessStatusCode)
                return new Attempt(token, new DeliveryResult.Sent(json?["name"]?.ToString()), false);
            // The cached access token may have been revoked or expired early: refresh it once.
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0) continue;

            var (code, detail) = ErrorCode(json);
            var kind = FcmErrorCodes.Classify(code) ?? ProviderHttp.ClassifyStatus(response.StatusCode);
            var status = (int)response.StatusCode;
            var error = $"fcm: HTTP {status}" + (code is null ? "" : $" {code}")
                + (string.IsNullOrEmpty(detail) ? "" : ": " + ProviderHttp.Clip(detail));
            var dead = token is not null && code is not null && FcmErrorCodes.DeadTokenCodes.Contains(code);
            var result = ProviderHttp.Result(kind, error, code ?? status.ToString(), ProviderHttp.RetryAfter(response));
            if (dead && result is DeliveryResult.Permanent p) result = p with { DeadTokens = [token!] };
            return new Attempt(token, result, dead);
        }
    }

    /// <summary>The FcmError errorCode from error.details when present, else the google.rpc status.</summary>
    private static (string? Code, string? Message) ErrorCode(JsonNode? json)
    {
        var error = json?["error"];
        if (error is null) return (null, null);
        string? code = null;
        if (error["details"] is JsonArray details)
            code = details.Select(d => d?["errorCode"]?.ToString()).FirstOrDefault(c => !string.IsNullOrEmpty(c));
        code ??= error["status"]?.ToString();
        return (code, error["message"]?.ToString());
    }

    internal static JsonObject BuildBody(OutgoingMessage message, string targetField, string targetValue)
    {
        var content = message.Content;
        var m = new JsonObject { [targetField] = targetValue };

        var notification = new JsonObject();
        if (!string.IsNullOrEmpty(content.Title)) notification["title"] = content.Title;
        if (!string.IsNullOrEmpty(content.Body)) notification["body"] = content.Body;
        if (!string.IsNullOrEmpty(content.ImageUrl)) notification["image"] = content.ImageUrl;
        if (notification.Count > 0) m["notification"] = notification;

        // data values must be strings; our ids let the app correlate opens with the notification.
        var data = new JsonObject();
        if (content.Data is not null)
            foreach (var (k, v) in content.Data) data[k] = v;
        data["notification_id"] = message.NotificationId.ToString();
        if (!string.IsNullOrEmpty(content.ActionUrl)) data["action_url"] = content.ActionUrl;
        m["data"] = data;

        var androidNotification = new JsonObject();
        if (!string.IsNullOrEmpty(content.Icon)) androidNotification["icon"] = content.Icon;
        if (!string.IsNullOrEmpty(content.ActionUrl)) androidNotification["click_action"] = content.ActionUrl;
        var android = new JsonObject { ["priority"] = "high" };
        if (!string.IsNullOrEmpty(message.Category)) android["collapse_key"] = message.Category;
        if (androidNotification.Count > 0) android["notification"] = androidNotification;
        m["android"] = android;

        var aps = new JsonObject { ["sound"] = "default" };
        if (!string.IsNullOrEmpty(content.ImageUrl)) aps["mutable-content"] = 1;
        if (!string.IsNullOrEmpty(message.Category)) aps["thread-id"] = message.Category;
        var apns = new JsonObject
        {
            ["headers"] = new JsonObject { ["apns-priority"] = "10" },
            ["payload"] = new JsonObject { ["aps"] = aps },
        };
        if (!string.IsNullOrEmpty(content.ImageUrl)) apns["fcm_options"] = new JsonObject { ["image"] = content.ImageUrl };
        m["apns"] = apns;

        return new JsonObject { ["message"] = m };
    }

    private static JsonNode? TryParse(string body)
    {
        try { return string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body); }
        catch (JsonException) { return null; }
    }
}
