using MimeKit;

namespace NotificationService.Channels.Smtp;

/// <summary>
/// The message as MimeKit builds it: multipart/alternative of text and HTML (BodyBuilder), RFC 2047 headers, and the
/// RFC 8058 one-click unsubscribe headers. The Message-ID starts with the notification id.
/// </summary>
public static class SmtpMessage
{
    public static MimeMessage Build(OutgoingMessage message, ProviderConfig config, string to, DateTimeOffset date, out string messageId)
    {
        var fromEmail = config.Setting("fromEmail")!;
        var mime = new MimeMessage();
        mime.From.Add(new MailboxAddress(config.Setting("fromName") ?? "", fromEmail));
        mime.To.Add(new MailboxAddress("", to));
        if (config.Setting("replyTo") is { Length: > 0 } replyTo) mime.ReplyTo.Add(new MailboxAddress("", replyTo));
        // A line break in a subject would end the header: a subject is one line.
        mime.Subject = (message.Content.Subject ?? "").ReplaceLineEndings(" ");
        mime.Date = date;
        messageId = $"{message.NotificationId:N}.{Guid.NewGuid():N}@{fromEmail[(fromEmail.LastIndexOf('@') + 1)..]}";
        mime.MessageId = messageId;
        mime.Headers.Add("X-Notification-Id", message.NotificationId.ToString());
        if (message.OneClickUnsubscribeUrl is { } unsubscribe && ProviderSettingsValidator.IsHttpUrl(unsubscribe))
        {
            mime.Headers.Add(HeaderId.ListUnsubscribe, $"<{new Uri(unsubscribe).AbsoluteUri}>");
            mime.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        }
        var body = new BodyBuilder
        {
            TextBody = string.IsNullOrEmpty(message.Content.Body) ? null : message.Content.Body,
            HtmlBody = string.IsNullOrEmpty(message.Content.Html) ? null : message.Content.Html,
        };
        mime.Body = body.ToMessageBody();
        return mime;
    }
}
