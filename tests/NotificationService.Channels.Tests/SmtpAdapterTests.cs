using NotificationService.Channels.Outbound;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NotificationService.Channels.Smtp;
using static NotificationService.Channels.Tests.TestSupport;

namespace NotificationService.Channels.Tests;

/// <summary>
/// A real SMTP server on loopback: Python's aiosmtpd (Debian: apt-get install python3-aiosmtpd) driven by a small
/// script, with AUTH (mailer / pa55word, mailer2 / pa55word2), STARTTLS or implicit TLS on a self-signed certificate, and recipients that
/// provoke 550 (reject@…) and 451 (busy@…). Each accepted message is written to a folder as .eml + .json (with the
/// client's port, so a spec can tell connections apart).
/// </summary>
public sealed class AiosmtpdServer : IDisposable
{
    public static readonly string? Python = new[] { "/usr/bin/python3", "/usr/local/bin/python3" }.FirstOrDefault(p => File.Exists(p) && CanImport(p));
    public static string? SkipReason => Python is null ? "SMTP server specs skipped: python3 with aiosmtpd not found. Install: bash scripts/install-test-tools.sh aiosmtpd" : null;

    private const string Script = """
        import sys, ssl, json, os, threading
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword
        port, mode, outdir, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH); ctx.load_cert_chain(cert, key)
        count = [0]
        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address.startswith('reject@'): return '550 5.1.1 <%s>: Recipient address rejected: User unknown' % address
                if address.startswith('busy@'): return '451 4.3.0 Mailbox busy, try again later'
                envelope.rcpt_tos.append(address); return '250 OK'
            async def handle_DATA(self, server, session, envelope):
                count[0] += 1; n = count[0]
                with open(os.path.join(outdir, '%d.eml' % n), 'wb') as f: f.write(envelope.original_content)
                meta = {'from': envelope.mail_from, 'to': envelope.rcpt_tos, 'tls': session.ssl is not None,
                        'auth': session.authenticated, 'login': (session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None),
                        'options': envelope.mail_options, 'peer': session.peer[1]}
                with open(os.path.join(outdir, '%d.json' % n), 'w') as f: json.dump(meta, f)
                return '250 2.0.0 Ok: queued as Q%d' % n
        def auth(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and (data.login, data.password) in ((b'mailer', b'pa55word'), (b'mailer2', b'pa55word2'))
            return AuthResult(success=True, auth_data=data) if ok else AuthResult(success=False, handled=False)
        kw = dict(hostname='127.0.0.1', port=port, authenticator=auth, auth_require_tls=False, decode_data=False)
        if mode in ('starttls', 'starttls-login'): kw.update(tls_context=ctx, require_starttls=True)
        if mode == 'starttls-login': kw.update(auth_exclude_mechanism=['PLAIN'])
        if mode == 'implicit': kw.update(ssl_context=ctx, server_hostname='127.0.0.1')
        c = Controller(Handler(), **kw); c.start()
        print('READY', flush=True)
        sys.stdin.read()
        c.stop()
        """;

    private readonly Process _process;
    private readonly string _dir;
    public int Port { get; }
    public string OutDir { get; }

    /// <param name="port">A port to listen on again (a restarted server); a free one otherwise.</param>
    public AiosmtpdServer(string mode, int? port = null)
    {
        var dir = Directory.CreateTempSubdirectory("smtp-test-");
        _dir = dir.FullName;
        OutDir = Path.Combine(dir.FullName, "mail");
        Directory.CreateDirectory(OutDir);
        var (certPath, keyPath) = WriteSelfSignedCertificate(dir.FullName);
        File.WriteAllText(Path.Combine(dir.FullName, "server.py"), Script);
        Port = port ?? SendGridAdapterTests.FreePort();
        var psi = new ProcessStartInfo(Python!) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(dir.FullName, "server.py"), Port.ToString(), mode, OutDir, certPath, keyPath }) psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        var stderr = _process.StandardError.ReadToEndAsync();
        var ready = _process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(20)) || ready.Result != "READY")
        {
            Dispose();
            throw new InvalidOperationException("aiosmtpd did not start: " + (stderr.Wait(2000) ? stderr.Result : ""));
        }
    }

    public (string Eml, JsonNode Meta) Single()
    {
        var eml = Assert.Single(Directory.GetFiles(OutDir, "*.eml"));
        return (File.ReadAllText(eml), JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(eml, ".json")))!);
    }

    /// <summary>Every message received, parsed back by MimeKit, with what the server saw of its session.</summary>
    public IReadOnlyList<(MimeKit.MimeMessage Message, JsonNode Meta)> All() =>
        Directory.GetFiles(OutDir, "*.eml").Select(eml => (MimeKit.MimeMessage.Load(eml),
            JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(eml, ".json")))!)).ToArray();

    private static (string, string) WriteSelfSignedCertificate(string dir)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certPath = Path.Combine(dir, "cert.pem");
        var keyPath = Path.Combine(dir, "key.pem");
        File.WriteAllText(certPath, cert.ExportCertificatePem());
        File.WriteAllText(keyPath, rsa.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }

    private static bool CanImport(string python)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(python, "-c \"import aiosmtpd\"") { RedirectStandardError = true, UseShellExecute = false })!;
            return p.WaitForExit(10_000) && p.ExitCode == 0;
        }
        catch (Exception) { return false; }
    }

    public void Dispose()
    {
        try { _process.StandardInput.Close(); if (!_process.WaitForExit(3000)) _process.Kill(true); } catch (Exception) { }
        _process.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

public sealed class SmtpFactAttribute : FactAttribute
{
    public SmtpFactAttribute() { if (AiosmtpdServer.SkipReason is { } r) Skip = r; }
}

public sealed class SmtpTheoryAttribute : TheoryAttribute
{
    public SmtpTheoryAttribute() { if (AiosmtpdServer.SkipReason is { } r) Skip = r; }
}

public sealed class SmtpAdapterTests : IDisposable
{
    private const string Password = "pa55word";
    private readonly SmtpAdapter _adapter = new(TimeProvider.System, new OutboundGuard(["127.0.0.1"])); // the loopback aiosmtpd, allow-listed as an operator would

    public void Dispose() => _adapter.Dispose();

    internal static ProviderConfig Config(int port, string tls, string? username = null, string? password = null, double? timeoutSeconds = null)
    {
        var settings = new JsonObject
        {
            ["host"] = "127.0.0.1", ["port"] = port, ["tls"] = tls, ["fromEmail"] = "noreply@example.com", ["fromName"] = "Zoë’s Shop",
            ["replyTo"] = "support@example.com", ["allowInvalidCertificate"] = true,
        };
        if (username is not null) settings["username"] = username;
        if (timeoutSeconds is not null) settings["timeoutSeconds"] = timeoutSeconds;
        var secrets = password is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["password"] = password };
        return new ProviderConfig(ConfigId, TenantId, "email", "smtp", "smtp test", 1, settings, secrets);
    }

    internal const string Subject = "Grüße – your order ✓ has shipped and is on its way to you right now";
    internal const string Text = "Hello Zoë,\n.hidden line starting with a dot\n..two dots\nBye";
    internal const string Html = "<p>Hello Zoë</p>\n.<b>dot</b>";

    internal static OutgoingMessage Email(string to = "alice@example.org") => Message("email", new Recipient(Email: to),
        new RenderedContent(Subject: Subject, Body: Text, Html: Html),
        new Dictionary<string, string> { ["unsubscribeUrl"] = "https://example.com/unsub?u=1" });

    [SmtpFact]
    public async Task Plain_connection_delivers_a_multipart_utf8_message_that_MimeKit_parses_back_unchanged()
    {
        using var server = new AiosmtpdServer("none");
        var sent = Assert.IsType<DeliveryResult.Sent>(await _adapter.SendAsync(Email(), Config(server.Port, "none"), CancellationToken.None));

        var (mail, meta) = Assert.Single(server.All());
        Assert.Equal("noreply@example.com", meta["from"]!.ToString());
        Assert.Equal("alice@example.org", meta["to"]![0]!.ToString());
        Assert.False(meta["tls"]!.GetValue<bool>());
        Assert.Equal(sent.ProviderMessageId, mail.MessageId);
        Assert.StartsWith(NotificationId.ToString("N"), mail.MessageId);
        Assert.Equal(Subject, mail.Subject);
        var from = Assert.IsType<MimeKit.MailboxAddress>(Assert.Single(mail.From));
        Assert.Equal(("Zoë’s Shop", "noreply@example.com"), (from.Name, from.Address));
        Assert.Equal("support@example.com", Assert.IsType<MimeKit.MailboxAddress>(Assert.Single(mail.ReplyTo)).Address);
        Assert.Equal("<https://example.com/unsub?u=1>", mail.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);
        Assert.Equal(NotificationId.ToString(), mail.Headers["X-Notification-Id"]);
        Assert.Equal("multipart/alternative", mail.Body.ContentType.MimeType);
        // Lines starting with a dot arrive exactly as written: the transport's dot-stuffing was undone by the server.
        Assert.Equal(Text, mail.TextBody.ReplaceLineEndings("\n"));
        Assert.Equal(Html, mail.HtmlBody.ReplaceLineEndings("\n"));
    }

    [SmtpFact]
    public async Task The_services_own_one_click_link_becomes_both_RFC_8058_headers_and_wins_over_metadata()
    {
        using var server = new AiosmtpdServer("none");
        var message = Email() with { UnsubscribeUrl = "https://notify.example.test/u/abc.def" };
        Assert.IsType<DeliveryResult.Sent>(await _adapter.SendAsync(message, Config(server.Port, "none"), CancellationToken.None));

        var (mail, _) = Assert.Single(server.All());
        Assert.Equal("<https://notify.example.test/u/abc.def>", mail.Headers["List-Unsubscribe"]);
        Assert.Equal("List-Unsubscribe=One-Click", mail.Headers["List-Unsubscribe-Post"]);
    }

    [SmtpFact]
    public async Task Starttls_with_auth_plain()
    {
        using var server = new AiosmtpdServer("starttls");
        Assert.IsType<DeliveryResult.Sent>(await _adapter.SendAsync(Email(), Config(server.Port, "starttls", "mailer", Password), CancellationToken.None));
        var (_, meta) = server.Single();
        Assert.True(meta["tls"]!.GetValue<bool>());
        Assert.True(meta["auth"]!.GetValue<bool>());
        Assert.Equal("mailer", meta["login"]!.ToString());
    }

    [SmtpFact]
    public async Task Starttls_with_auth_login_when_plain_is_not_offered()
    {
        using var server = new AiosmtpdServer("starttls-login");
        Assert.IsType<DeliveryResult.Sent>(await _adapter.SendAsync(Email(), Config(server.Port, "starttls", "mailer", Password), CancellationToken.None));
        Assert.Equal("mailer", server.Single().Meta["login"]!.ToString());
    }

    [SmtpFact]
    public async Task Implicit_tls()
    {
        using var server = new AiosmtpdServer("implicit");
        Assert.IsType<DeliveryResult.Sent>(await _adapter.SendAsync(Email(), Config(server.Port, "implicit", "mailer", Password), CancellationToken.None));
        Assert.Equal("mailer", server.Single().Meta["login"]!.ToString());
    }

    [SmtpFact]
    public async Task Invalid_certificate_is_refused_unless_allowed()
    {
        using var server = new AiosmtpdServer("starttls");
        var config = Config(server.Port, "starttls");
        config.Settings["allowInvalidCertificate"] = false;
        var result = Assert.IsType<DeliveryResult.ProviderFailure>(await _adapter.SendAsync(Email(), config, CancellationToken.None));
        Assert.Equal("tls", result.Code);
    }

    [SmtpFact]
    public async Task Wrong_password_is_a_provider_failure_without_the_password()
    {
        using var server = new AiosmtpdServer("starttls");
        var result = await _adapter.SendAsync(Email(), Config(server.Port, "starttls", "mailer", "wrong-secret"), CancellationToken.None);
        var failure = Assert.IsType<DeliveryResult.ProviderFailure>(result);
        Assert.Equal("auth", failure.Code);
        Assert.DoesNotContain("wrong-secret", failure.ToString());
    }

    [SmtpFact]
    public async Task Rejected_recipient_is_permanent_and_busy_mailbox_transient()
    {
        using var server = new AiosmtpdServer("none");
        var rejected = Assert.IsType<DeliveryResult.Permanent>(await _adapter.SendAsync(Email("reject@example.org"), Config(server.Port, "none"), CancellationToken.None));
        Assert.Equal("550", rejected.Code);
        var busy = Assert.IsType<DeliveryResult.Transient>(await _adapter.SendAsync(Email("busy@example.org"), Config(server.Port, "none"), CancellationToken.None));
        Assert.Equal("451", busy.Code);
        // A rejection closes the connection it happened on; the next send opens a fresh one and goes through.
        Assert.IsType<DeliveryResult.Sent>(await _adapter.SendAsync(Email(), Config(server.Port, "none"), CancellationToken.None));
    }

    [SmtpFact]
    public async Task Starttls_required_but_not_offered_is_a_provider_failure()
    {
        using var server = new AiosmtpdServer("none");
        var result = Assert.IsType<DeliveryResult.ProviderFailure>(await _adapter.SendAsync(Email(), Config(server.Port, "starttls"), CancellationToken.None));
        Assert.Contains("STARTTLS", result.Error);
    }

    [Fact]
    public async Task Connection_refused_is_transient()
    {
        var result = Assert.IsType<DeliveryResult.Transient>(await _adapter.SendAsync(Email(), Config(SendGridAdapterTests.FreePort(), "none"), CancellationToken.None));
        Assert.Equal("network", result.Code);
    }

    [Fact]
    public async Task A_host_the_outbound_guard_refuses_is_a_provider_failure_and_is_never_contacted()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            using var adapter = new SmtpAdapter(TimeProvider.System, new OutboundGuard([]));   // no allow-list: loopback is internal
            var config = Config(((IPEndPoint)listener.LocalEndpoint).Port, "none");
            var result = Assert.IsType<DeliveryResult.ProviderFailure>(await adapter.SendAsync(Email(), config, CancellationToken.None));
            Assert.Equal("refused", result.Code);
            Assert.False(listener.Pending());
        }
        finally { listener.Stop(); }
    }

    [Fact]
    public async Task Silent_server_times_out_as_transient()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var accept = listener.AcceptTcpClientAsync(); // accepts, never greets
            var result = Assert.IsType<DeliveryResult.Transient>(await _adapter.SendAsync(Email(), Config(port, "none", timeoutSeconds: 0.5), CancellationToken.None));
            Assert.Equal("timeout", result.Code);
            (await accept).Dispose();
        }
        finally { listener.Stop(); }
    }

    [Fact]
    public async Task A_cancelled_send_is_cancelled_not_classified()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            using var cts = new CancellationTokenSource();
            var send = _adapter.SendAsync(Email(), Config(((IPEndPoint)listener.LocalEndpoint).Port, "none"), cts.Token);
            using var accepted = await listener.AcceptTcpClientAsync(); // connected, waiting for a greeting that never comes
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        }
        finally { listener.Stop(); }
    }

    [Fact]
    public async Task Invalid_recipient_is_permanent()
    {
        var result = Assert.IsType<DeliveryResult.Permanent>(await _adapter.SendAsync(Email("nope"), Config(25, "none"), CancellationToken.None));
        Assert.Equal("invalid_recipient", result.Code);
    }
}
