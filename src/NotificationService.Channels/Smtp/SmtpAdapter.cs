using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using NotificationService.Channels.Http;
using NotificationService.Channels.Outbound;

namespace NotificationService.Channels.Smtp;

/// <summary>
/// Email over SMTP through MailKit: the message built by MimeKit (<see cref="SmtpMessage"/>), DKIM-signed when configured
/// (<see cref="SmtpDkim"/>), sent on a pooled, authenticated connection (<see cref="SmtpConnectionPool"/>) that the
/// outbound guard opened. Settings: host, port, tls (none | starttls | implicit), fromEmail, fromName, username, replyTo,
/// timeoutSeconds, poolSize, allowInvalidCertificate (test servers), dkimDomain, dkimSelector; secrets: password, dkimPrivateKey.
/// </summary>
public sealed class SmtpAdapter(TimeProvider time, OutboundGuard guard) : IProviderAdapter, IDisposable
{
    private readonly SmtpDkim _dkim = new();

    public SmtpConnectionPool Pool { get; } = new(guard, time);

    public string Kind => ProviderKinds.Smtp;
    public IReadOnlyList<string> Channels { get; } = [ChannelNames.Email];

    public async Task<DeliveryResult> SendAsync(OutgoingMessage message, ProviderConfig config, CancellationToken ct)
    {
        var stage = "connect";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        SmtpSession? session = null;
        var healthy = false;
        try
        {
            var to = message.Recipient.Email;
            if (!ProviderSettingsValidator.IsEmail(to))
                return new DeliveryResult.Permanent("smtp: recipient has no valid email address", "invalid_recipient");
            if (string.IsNullOrEmpty(message.Content.Body) && string.IsNullOrEmpty(message.Content.Html))
                return new DeliveryResult.Permanent("smtp: email has neither text nor html content", "invalid_content");

            var endpoint = SmtpEndpoint.From(config);
            config.RequiredSetting("fromEmail");
            timeout.CancelAfter(SmtpEndpoint.Timeout(config));
            var mime = SmtpMessage.Build(message, config, to!, time.GetUtcNow(), out var messageId);
            _dkim.SignIfConfigured(mime, config);

            session = await Pool.RentAsync(config, endpoint, SmtpEndpoint.PoolSize(config), timeout.Token);
            stage = "send";
            await session.Client.SendAsync(mime, timeout.Token);
            healthy = true;
            return new DeliveryResult.Sent(messageId);
        }
        catch (SmtpCommandException ex)
        {
            var kind = SmtpReplyCodes.Classify((int)ex.StatusCode);
            // A server that refuses us before the mail transaction (greeting, EHLO, STARTTLS) is a config problem.
            if (stage == "connect" && kind == OutcomeKind.Permanent) kind = OutcomeKind.ProviderFailure;
            return ProviderHttp.Result(kind,
                $"smtp: {Command(ex.ErrorCode)} rejected with {(int)ex.StatusCode} {ProviderHttp.Clip(ex.Message, 200)}",
                ((int)ex.StatusCode).ToString(), null);
        }
        catch (MailKit.Security.AuthenticationException)
        {
            // Never echo the AUTH exchange: it may carry credentials back.
            return new DeliveryResult.ProviderFailure("smtp: authentication failed", "auth");
        }
        catch (Exception ex) when (ex is MailKit.Security.SslHandshakeException or System.Security.Authentication.AuthenticationException)
        {
            return new DeliveryResult.ProviderFailure("smtp: TLS handshake failed (certificate or protocol)", "tls");
        }
        catch (SmtpProtocolException ex) when (ex.Message.Contains("unexpectedly disconnected", StringComparison.OrdinalIgnoreCase))
        {
            // MailKit reports a closed connection (a server restarted, an idle pooled connection dropped) as a protocol error;
            // it is the network's doing, so retried like any broken connection, never a reason to fail over.
            return new DeliveryResult.Transient($"smtp: connection closed by the server during {stage}", "network");
        }
        catch (Exception ex) when (ex is SmtpProtocolException or NotSupportedException)
        {
            return new DeliveryResult.ProviderFailure("smtp: " + ProviderHttp.Clip(ex.Message, 200), "protocol");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new DeliveryResult.Transient($"smtp: timed out during {stage}", "timeout");
        }
        catch (SocketException ex)
        {
            return new DeliveryResult.Transient($"smtp: connection failed ({ex.SocketErrorCode})", "network");
        }
        catch (ServiceNotConnectedException)
        {
            return new DeliveryResult.Transient("smtp: connection lost", "network");
        }
        catch (Exception ex)
        {
            return ProviderHttp.FromException("smtp", ex, ct);
        }
        finally
        {
            if (session is not null) await Pool.ReturnAsync(session, healthy);
        }
    }

    private static string Command(SmtpErrorCode code) => code switch
    {
        SmtpErrorCode.SenderNotAccepted => "MAIL FROM",
        SmtpErrorCode.RecipientNotAccepted => "RCPT TO",
        SmtpErrorCode.MessageNotAccepted => "DATA",
        _ => "command",
    };

    public void Dispose() => Pool.Dispose();
}
