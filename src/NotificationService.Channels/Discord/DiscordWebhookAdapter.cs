using System.Globalization;
using System.Text.Json.Nodes;
using NotificationService.Channels.Chat;
using NotificationService.Channels.Http;

namespace NotificationService.Channels.Discord;

/// <summary>
/// Discord through a webhook: <c>POST {webhookUrl}?wait=true</c> with <c>content</c> and optional <c>embeds</c>, so the
/// answer is the created message and its id is recorded. A 429 carries how long to wait in its body's <c>retry_after</c>
/// and in <c>X-RateLimit-Reset-After</c> (seconds, fractional), preferred to Retry-After; 401/403/404 (unknown webhook,
/// code 10015) say the webhook is gone: the config's when it is the config's URL, permanent for the recipient when theirs.
/// </summary>
public sealed class DiscordWebhookAdapter(IHttpClientFactory httpClientFactory, ChatDoubles doubles) : IProviderAdapter
{
    public string Kind => ProviderKinds.DiscordWebhook;
    public IReadOnlyList<string> Channels { get; } = [ChannelNames.Chat];

    public async Task<DeliveryResult> SendAsync(OutgoingMessage message, ProviderConfig config, CancellationToken ct)
    {
        var recipients = false;
        try
        {
            if (ChatRouting.Webhook(config, message.Recipient) is not { } target)
                return new DeliveryResult.Permanent("discord_webhook: no webhook URL from the recipient or the config", "no_destination");
            recipients = target.Recipients;
            if (string.IsNullOrEmpty(message.Content.Body) && message.Content.Chat?.Embeds is null)
                return new DeliveryResult.Permanent("discord_webhook: message has no content or embeds", "invalid_content");
            if (ChatLimits.TextProblem(Kind, message.Content.Body) is { } tooLong)
                return new DeliveryResult.Permanent($"{Kind}: {tooLong}", "body_too_long");
            var url = doubles.Webhook(Kind, ChatHttp.Checked(Kind, target.Url, recipients));
            url += (url.Contains('?') ? "&" : "?") + "wait=true";
            var body = new JsonObject();
            if (!string.IsNullOrEmpty(message.Content.Body)) body["content"] = message.Content.Body;
            if (message.Content.Chat?.Embeds is { } embeds) body["embeds"] = embeds.DeepClone();
            // Mentions in a template's text never ping @everyone or roles by surprise: only users named in the text.
            body["allowed_mentions"] = new JsonObject { ["parse"] = new JsonArray("users") };

            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = ProviderHttp.Json(body) };
            using var response = await httpClientFactory.CreateClient(ChatHttp.HttpClientName).SendAsync(request, ct);
            var status = (int)response.StatusCode;
            if (ChatHttp.Redirect(Kind, status) is { } redirect) return ChatHttp.Blame(redirect, recipients);
            var text = await ProviderHttp.ReadBodyAsync(response, ct);
            var json = ChatHttp.TryParse(text);
            if (response.IsSuccessStatusCode) return new DeliveryResult.Sent(json?["id"]?.ToString());
            int? code = json?["code"] is JsonValue cv && cv.TryGetValue<int>(out var c) ? c : null;
            OutcomeKind? kind = status == 429 ? OutcomeKind.Throttled : status is 401 or 403 or 404 ? OutcomeKind.ProviderFailure : null;
            var failed = ProviderHttp.Failed(Kind, status, response.Headers, kind, code, json?["message"]?.ToString() ?? text,
                status == 429 ? RateLimitWait(response, json) : null);
            return ChatHttp.Blame(failed, recipients);
        }
        catch (Exception ex)
        {
            return ChatHttp.Blame(ProviderHttp.FromException(Kind, ex, ct), recipients);
        }
    }

    /// <summary>Discord's own word on the wait: the body's retry_after, else X-RateLimit-Reset-After, else Retry-After.</summary>
    internal static TimeSpan? RateLimitWait(HttpResponseMessage response, JsonNode? json)
    {
        if (json?["retry_after"] is JsonValue v && v.TryGetValue<double>(out var seconds) && seconds >= 0)
            return TimeSpan.FromSeconds(seconds);
        if (response.Headers.TryGetValues("X-RateLimit-Reset-After", out var values)
            && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var after) && after >= 0)
            return TimeSpan.FromSeconds(after);
        return ProviderHttp.RetryAfter(response);
    }
}
