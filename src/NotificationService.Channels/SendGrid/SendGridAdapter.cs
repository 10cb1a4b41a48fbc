using System.Text.Json;
using System.Text.Json.Nodes;
using global::SendGrid.Helpers.Mail;
using NotificationService.Channels.Http;

namespace NotificationService.Channels.SendGrid;

/// <summary>
/// Email through SendGrid's own library: a <see cref="SendGridMessage"/> sent by the config's cached client
/// (<see cref="SendGridClients"/>) to <c>POST {host}/v3/mail/send</c>. Our notification and tenant ids travel in the
/// personalization's custom_args so event webhooks carry them back.
/// </summary>
public sealed class SendGridAdapter(SendGridClients clients) : IProviderAdapter
{
    public const string HttpClientName = "sendgrid";

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

            var response = await clients.For(config).SendAsync(BuildMessage(message, config, to!), ct);
            using var content = response.Body;
            if (response.IsSuccessStatusCode)
                return new DeliveryResult.Sent(response.Headers.TryGetValues("X-Message-Id", out var ids) ? ids.FirstOrDefault() : null);

            var body = content is null ? "" : await content.ReadAsStringAsync(ct);
            var status = (int)response.StatusCode;
            return ProviderHttp.Failed("sendgrid", status, response.Headers, SendGridErrorCodes.Classify(response.StatusCode), null,
                Detail(body), ProviderHttp.RetryAfter(response.Headers) ?? RateLimitReset(response.Headers));
        }
        catch (Exception ex)
        {
            return ProviderHttp.FromException("sendgrid", ex, ct);
        }
    }

    internal static SendGridMessage BuildMessage(OutgoingMessage message, ProviderConfig config, string to)
    {
        var mail = new SendGridMessage
        {
            From = new EmailAddress(config.RequiredSetting("fromEmail"), config.Setting("fromName") is { Length: > 0 } n ? n : null),
            Subject = message.Content.Subject,
        };
        // The contents in the order SendGrid requires (text/plain before text/html), as Serialize() would reorder them: the
        // message is ready for MailSend's serializer, which skips that step.
        if (!string.IsNullOrEmpty(message.Content.Body)) mail.AddContent(global::SendGrid.MimeType.Text, message.Content.Body);
        if (!string.IsNullOrEmpty(message.Content.Html)) mail.AddContent(global::SendGrid.MimeType.Html, message.Content.Html);
        mail.AddTo(to);
        // Per personalization on purpose: the top-level custom_args is mistyped in the published OpenAPI document. Both in one
        // call: a second AddCustomArg merges dictionaries through LINQ (Union, ToDictionary) on every send.
        mail.AddCustomArgs(new Dictionary<string, string>
        {
            ["notification_id"] = message.NotificationId.ToString(),
            ["tenant_id"] = message.TenantId.ToString(),
        });
        if (config.Setting("replyTo") is { Length: > 0 } replyTo) mail.SetReplyTo(new EmailAddress(replyTo));
        if (!string.IsNullOrWhiteSpace(message.Category)) mail.AddCategory(Truncate(message.Category, 255));
        if (message.OneClickUnsubscribeUrl is { } unsubscribe && ProviderSettingsValidator.IsHttpUrl(unsubscribe))
        {
            mail.AddGlobalHeader("List-Unsubscribe", $"<{unsubscribe}>");
            mail.AddGlobalHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        if (bool.TryParse(config.Setting("sandboxMode"), out var sandbox) && sandbox) mail.SetSandBoxMode(true);
        if (int.TryParse(config.Setting("unsubscribeGroupId"), out var group) && group > 0) mail.SetAsm(group);
        return mail;
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    private static TimeSpan? RateLimitReset(System.Net.Http.Headers.HttpResponseHeaders headers)
    {
        // SendGrid documents X-RateLimit-Reset as a Unix timestamp.
        if (headers.TryGetValues("X-RateLimit-Reset", out var values) && long.TryParse(values.FirstOrDefault(), out var epoch))
        {
            var wait = DateTimeOffset.FromUnixTimeSeconds(epoch) - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    private static string? Detail(string body)
    {
        try
        {
            if (JsonNode.Parse(body)?["errors"] is JsonArray { Count: > 0 } errors)
            {
                var parts = errors.Select(e => e?["field"] is { } f ? $"{f}: {e?["message"]}" : e?["message"]?.ToString())
                    .Where(p => !string.IsNullOrEmpty(p));
                return string.Join("; ", parts);
            }
        }
        catch (JsonException) { }
        return null;
    }
}
