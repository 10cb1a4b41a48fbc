using System.Net.Sockets;
using NotificationService.Channels.Outbound;
using System.Security.Authentication;
using NotificationService.Channels.Http;

namespace NotificationService.Channels.Smtp;

/// <summary>
/// Email over SMTP with the project's own client (MailKit does not restore here). Settings: host, port,
/// tls (none | starttls | implicit), fromEmail, fromName, username, replyTo, timeoutSeconds, allowInvalidCertificate
/// (test servers with self-signed certificates); secret: password. One connection per message.
/// </summary>
public sealed class SmtpAdapter(TimeProvider time, OutboundGuard guard) : IProviderAdapter
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public string Kind => ProviderKinds.Smtp;
    public IReadOnlyList<string> Channels { get; } = [ChannelNames.Email];

    public async Task<DeliveryResult> SendAsync(OutgoingMessage message, ProviderConfig config, CancellationToken ct)
    {
        var stage = "connect";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            var to = message.Recipient.Email;
            if (!ProviderSettingsValidator.IsEmail(to))
                return new DeliveryResult.Permanent("smtp: recipient has no valid email address", "invalid_recipient");
            if (string.IsNullOrEmpty(message.Content.Body) && string.IsNullOrEmpty(message.Content.Html))
                return new DeliveryResult.Permanent("smtp: email has neither text nor html content", "invalid_content");

            var host = config.RequiredSetting("host");
            if (!int.TryParse(config.RequiredSetting("port"), out var port) || port is < 1 or > 65535)
                throw new ProviderConfigException("settings.port is not a port number");
            var tls = config.Setting("tls") is { Length: > 0 } t ? t : "starttls";
            if (tls is not ("none" or "starttls" or "implicit")) throw new ProviderConfigException("settings.tls must be none, starttls or implicit");
            var fromEmail = config.RequiredSetting("fromEmail");
            var seconds = double.TryParse(config.Setting("timeoutSeconds"), System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0 ? s : DefaultTimeout.TotalSeconds;
            timeout.CancelAfter(TimeSpan.FromSeconds(seconds));

            var domain = fromEmail[(fromEmail.LastIndexOf('@') + 1)..];
            var messageId = $"{message.NotificationId:N}.{Guid.NewGuid():N}@{domain}";
            var headers = new List<KeyValuePair<string, string>>
            {
                new("X-Notification-Id", message.NotificationId.ToString()),
            };
            if (message.OneClickUnsubscribeUrl is { } unsubscribe && ProviderSettingsValidator.IsHttpUrl(unsubscribe))
            {
                headers.Add(new("List-Unsubscribe", $"<{unsubscribe}>"));
                headers.Add(new("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
            }
            var mime = MimeMessageBuilder.Build(new MimeMessageBuilder.Email(
                fromEmail, config.Setting("fromName"), to!, config.Setting("replyTo"), message.Content.Subject ?? "",
                message.Content.Body, message.Content.Html, messageId, headers), time.GetUtcNow());

            await using var client = new SmtpClientConnection();
            var allowInvalid = bool.TryParse(config.Setting("allowInvalidCertificate"), out var ai) && ai;
            await client.ConnectAsync(new SmtpClientConnection.Options(host, port, tls, allowInvalid, ClientName()), guard.ConnectSocketAsync, timeout.Token);

            if (config.Setting("username") is { Length: > 0 } username)
            {
                stage = "auth";
                await client.AuthenticateAsync(username, config.Secret("password") ?? "", timeout.Token);
            }
            stage = "send";
            await client.SendMailAsync(fromEmail, to!, mime, timeout.Token);
            await client.QuitAsync(timeout.Token);
            return new DeliveryResult.Sent(messageId);
        }
        catch (SmtpReplyException ex)
        {
            var kind = SmtpReplyCodes.Classify(ex.Reply.Code);
            // A server that refuses us before the mail transaction (greeting, EHLO, STARTTLS) is a config problem.
            if (stage == "connect" && kind == OutcomeKind.Permanent) kind = OutcomeKind.ProviderFailure;
            // Never echo AUTH exchanges (they may carry credentials back): code only.
            var text = ex.Stage == "AUTH" ? "authentication failed" : ProviderHttp.Clip(ex.Reply.Text, 200);
            return ProviderHttp.Result(kind, $"smtp: {ex.Stage} rejected with {ex.Reply.Code} {text}", ex.Reply.Code.ToString(), null);
        }
        catch (SmtpProtocolException ex)
        {
            return new DeliveryResult.ProviderFailure("smtp: " + ex.Message, "protocol");
        }
        catch (AuthenticationException)
        {
            return new DeliveryResult.ProviderFailure("smtp: TLS handshake failed (certificate or protocol)", "tls");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new DeliveryResult.Transient($"smtp: timed out during {stage}", "timeout");
        }
        catch (OutboundRefusedException ex)
        {
            return new DeliveryResult.ProviderFailure("smtp: " + ex.Message, "refused");
        }
        catch (SocketException ex)
        {
            return new DeliveryResult.Transient($"smtp: connection failed ({ex.SocketErrorCode})", "network");
        }
        catch (Exception ex)
        {
            return ProviderHttp.FromException("smtp", ex, ct);
        }
    }

    private static string ClientName()
    {
        try
        {
            var name = System.Net.Dns.GetHostName();
            return string.IsNullOrWhiteSpace(name) || name.Contains(' ') ? "localhost" : name;
        }
        catch (SocketException) { return "localhost"; }
    }
}
