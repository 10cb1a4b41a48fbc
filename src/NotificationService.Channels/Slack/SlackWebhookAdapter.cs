using System.Text.Json.Nodes;
using NotificationService.Channels.Chat;
using NotificationService.Channels.Http;

namespace NotificationService.Channels.Slack;

/// <summary>
/// Slack through an incoming webhook (the config's <c>webhookUrl</c>, bound to one channel when it was made): a JSON post
/// of <c>text</c> and optional <c>blocks</c>. Slack answers 200 <c>ok</c> and gives no message id; its errors are plain-text
/// codes with 4xx statuses (<see cref="SlackErrorCodes.ClassifyWebhook"/>), 429 with Retry-After when rate limited.
/// </summary>
public sealed class SlackWebhookAdapter(IHttpClientFactory httpClientFactory, ChatDoubles doubles) : IProviderAdapter
{
    public string Kind => ProviderKinds.SlackWebhook;
    public IReadOnlyList<string> Channels { get; } = [ChannelNames.Chat];

    public async Task<DeliveryResult> SendAsync(OutgoingMessage message, ProviderConfig config, CancellationToken ct)
    {
        try
        {
            if (string.IsNullOrEmpty(message.Content.Body) && message.Content.Chat?.Blocks is null)
                return new DeliveryResult.Permanent("slack_webhook: message has no text or blocks", "invalid_content");
            if (ChatLimits.TextProblem(Kind, message.Content.Body) is { } tooLong)
                return new DeliveryResult.Permanent($"{Kind}: {tooLong}", "body_too_long");
            var url = doubles.Webhook(Kind, ChatHttp.Checked(Kind, config.RequiredSecret("webhookUrl"), recipients: false));
            var body = new JsonObject { ["text"] = message.Content.Body ?? "" };
            if (message.Content.Chat?.Blocks is { } blocks) body["blocks"] = blocks.DeepClone();
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = ProviderHttp.Json(body) };
            using var response = await httpClientFactory.CreateClient(ChatHttp.HttpClientName).SendAsync(request, ct);
            var status = (int)response.StatusCode;
            if (ChatHttp.Redirect(Kind, status) is { } redirect) return redirect;
            if (response.IsSuccessStatusCode) return new DeliveryResult.Sent(null);
            var text = await ProviderHttp.ReadBodyAsync(response, ct);
            var kind = status == 429 ? OutcomeKind.Throttled : SlackErrorCodes.ClassifyWebhook(status, text);
            return ProviderHttp.Failed(Kind, status, response.Headers, kind, null, text);
        }
        catch (Exception ex)
        {
            return ProviderHttp.FromException(Kind, ex, ct);
        }
    }
}
