using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using NotificationService.Channels.Chat;
using NotificationService.Channels.Http;

namespace NotificationService.Channels.Slack;

/// <summary>
/// Slack through the Web API's <c>chat.postMessage</c> with a bot token: to the recipient's channel id, or to a user id
/// (Slack opens the bot's direct message). A form post, as the method's published contract lists its arguments; Slack
/// answers 200 with <c>ok</c> false for its errors (<see cref="SlackErrorCodes"/>) and 429 with Retry-After when rate
/// limited. The platform message id recorded is <c>{channel}:{ts}</c>, what Slack needs to edit or thread on it.
/// </summary>
public sealed class SlackAdapter(IHttpClientFactory httpClientFactory, ChatDoubles doubles) : IProviderAdapter
{
    public string Kind => ProviderKinds.Slack;
    public IReadOnlyList<string> Channels { get; } = [ChannelNames.Chat];

    public async Task<DeliveryResult> SendAsync(OutgoingMessage message, ProviderConfig config, CancellationToken ct)
    {
        try
        {
            if (message.Recipient.Chat?.Slack?.Conversation is not { Length: > 0 } conversation)
                return new DeliveryResult.Permanent("slack: the recipient names no Slack channelId or userId", "no_destination");
            if (string.IsNullOrEmpty(message.Content.Body) && message.Content.Chat?.Blocks is null)
                return new DeliveryResult.Permanent("slack: message has no text or blocks", "invalid_content");
            if (ChatLimits.TextProblem(Kind, message.Content.Body) is { } tooLong)
                return new DeliveryResult.Permanent($"{Kind}: {tooLong}", "body_too_long");

            var fields = new List<KeyValuePair<string, string>> { new("channel", conversation), new("text", message.Content.Body ?? "") };
            if (message.Content.Chat?.Blocks is { } blocks) fields.Add(new("blocks", blocks.ToJsonString()));
            using var request = new HttpRequestMessage(HttpMethod.Post, doubles.SlackApi("chat.postMessage"))
            {
                Content = new FormUrlEncodedContent(fields),
            };
            var token = config.RequiredSecret("botToken");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            // Slack reads the Bearer header; its published OpenAPI document models the token as a `token` header, which
            // Slack ignores: sent too (to the same host, over the same TLS), so the request meets the contract as published.
            request.Headers.Add("token", token);

            using var response = await httpClientFactory.CreateClient(ChatHttp.HttpClientName).SendAsync(request, ct);
            var status = (int)response.StatusCode;
            if (ChatHttp.Redirect("slack", status) is { } redirect) return redirect;
            var body = await ProviderHttp.ReadBodyAsync(response, ct);
            var json = ChatHttp.TryParse(body);
            if (response.IsSuccessStatusCode && json?["ok"] is JsonValue ok && ok.TryGetValue<bool>(out var isOk) && isOk)
                return new DeliveryResult.Sent($"{json["channel"]}:{json["ts"]}");
            if (status == 429 || !response.IsSuccessStatusCode)
                return ProviderHttp.Failed("slack", status, response.Headers, null, null, json?["error"]?.ToString() ?? body);
            var error = json?["error"]?.ToString();
            return ProviderHttp.Result(SlackErrorCodes.Classify(error), $"slack: {error ?? "not ok"}", error ?? "not_ok",
                ProviderHttp.RetryAfter(response));
        }
        catch (Exception ex)
        {
            return ProviderHttp.FromException("slack", ex, ct);
        }
    }
}
