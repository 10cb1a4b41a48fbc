using System.Text.Json.Nodes;
using NotificationService.Channels.Chat;
using NotificationService.Channels.Http;

namespace NotificationService.Channels.Teams;

/// <summary>
/// Microsoft Teams through a Workflows webhook: a JSON post of a <c>message</c> with one Adaptive Card attachment, the
/// template's <c>card</c> or else a card of one wrapping TextBlock holding the text. Workflows answers 202 Accepted with
/// no message id; 429 (with Retry-After) is a wait, 401/403/404 mean the webhook is gone or not allowed (the config's when
/// it is the config's URL, the recipient's when it is theirs), 400 is a card the flow rejects.
/// </summary>
public sealed class TeamsWebhookAdapter(IHttpClientFactory httpClientFactory, ChatDoubles doubles) : IProviderAdapter
{
    public const string AdaptiveCardContentType = "application/vnd.microsoft.card.adaptive";

    public string Kind => ProviderKinds.TeamsWebhook;
    public IReadOnlyList<string> Channels { get; } = [ChannelNames.Chat];

    public async Task<DeliveryResult> SendAsync(OutgoingMessage message, ProviderConfig config, CancellationToken ct)
    {
        var recipients = false;
        try
        {
            if (ChatRouting.Webhook(config, message.Recipient) is not { } target)
                return new DeliveryResult.Permanent("teams_webhook: no webhook URL from the recipient or the config", "no_destination");
            recipients = target.Recipients;
            if (string.IsNullOrEmpty(message.Content.Body) && message.Content.Chat?.Card is null)
                return new DeliveryResult.Permanent("teams_webhook: message has no text or card", "invalid_content");
            var url = doubles.Webhook(Kind, ChatHttp.Checked(Kind, target.Url, recipients));
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = ProviderHttp.Json(Body(message.Content)) };
            using var response = await httpClientFactory.CreateClient(ChatHttp.HttpClientName).SendAsync(request, ct);
            var status = (int)response.StatusCode;
            if (ChatHttp.Redirect(Kind, status) is { } redirect) return ChatHttp.Blame(redirect, recipients);
            if (response.IsSuccessStatusCode) return new DeliveryResult.Sent(null);
            var text = await ProviderHttp.ReadBodyAsync(response, ct);
            var kind = status is 404 or 410 ? OutcomeKind.ProviderFailure : (OutcomeKind?)null;
            return ChatHttp.Blame(ProviderHttp.Failed(Kind, status, response.Headers, kind, null, Detail(text)), recipients);
        }
        catch (Exception ex)
        {
            return ChatHttp.Blame(ProviderHttp.FromException(Kind, ex, ct), recipients);
        }
    }

    /// <summary>The Workflows "post to a channel when a webhook request is received" payload.</summary>
    public static JsonObject Body(RenderedContent content) => new()
    {
        ["type"] = "message",
        ["attachments"] = new JsonArray(new JsonObject
        {
            ["contentType"] = AdaptiveCardContentType,
            ["contentUrl"] = null,
            ["content"] = content.Chat?.Card?.DeepClone() ?? TextCard(content.Body ?? ""),
        }),
    };

    private static JsonObject TextCard(string text) => new()
    {
        ["type"] = "AdaptiveCard",
        ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
        ["version"] = "1.4",
        ["body"] = new JsonArray(new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true }),
    };

    /// <summary>Workflows errors are JSON <c>{"error": {"code", "message"}}</c>; the code is what a reader needs.</summary>
    private static string Detail(string text)
    {
        try { return JsonNode.Parse(text)?["error"]?["code"]?.ToString() ?? text; }
        catch (System.Text.Json.JsonException) { return text; }
    }
}
