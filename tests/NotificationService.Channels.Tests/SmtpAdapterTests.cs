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
/// script, with AUTH (mailer / pa55word), STARTTLS or implicit TLS on a self-signed certificate, and recipients that
/// provoke 550 (reject@…) and 451 (busy@…). Each accepted message is written to a folder as .eml + .json.
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
                        'options': envelope.mail_options}
                with open(os.path.join(outdir, '%d.json' % n), 'w') as f: json.dump(meta, f)
                return '250 2.0.0 Ok: queued as Q%d' % n
        def auth(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and data.login == b'mailer' and data.password == b'pa55word'
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

    public AiosmtpdServer(string mode)
    {
        var dir = Directory.CreateTempSubdirectory("smtp-test-");
        _dir = dir.FullName;
        OutDir = Path.Combine(dir.FullName, "mail");
        Directory.CreateDirectory(OutDir);
        var (certPath, keyPath) = WriteSelfSignedCertificate(dir.FullName);
        File.WriteAllText(Path.Combine(dir.FullName, "server.py"), Script);
        Port = SendGridAdapterTests.FreePort();
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

public sealed class SmtpAdapterTests
{
    private const string Password = "pa55word";
    private readonly SmtpAdapter _adapter = new(TimeProvider.System, new OutboundGuard(["127.0.0.1"])); // the loopback aiosmtpd, allow-listed as an operator would

    private static ProviderConfig Config(int port, string tls, string? username = null, string? password = null, double? timeoutSeconds = null)
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

    private static OutgoingMessage Email(string to = "alice@example.org") => Message("email", new Recipient(Email: to),
        new RenderedContent(Subject: "Grüße – your order ✓ has shipped and is on its way to you right now",
            Body: "Hello Zoë,\n.hidden line starting with a dot\n..two dots\nBye", Html: "<p>Hello Zoë</p>\n.<b>dot</b>"),
        new Dictionary<string, string> { ["unsubscribeUrl"] = "https://example.com/unsub?u=1" });

    private static string DecodeHeader(string eml, string name)
    {
        var m = Regex.Match(eml, $"^{name}: ([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", RegexOptions.Multiline);
        Assert.True(m.Success, $"header {name} missing");
        return Regex.Replace(m.Groups[1].Value.Replace("\r\n ", ""), @"=\?utf-8\?B\?([^?]*)\?=", w => Encoding.UTF8.GetString(Convert.FromBase64String(w.Groups[1].Value)));
    }

    private static string DecodeQuotedPrintable(string qp) =>
        Encoding.UTF8.GetString(Regex.Replace(qp.Replace("=\r\n", ""), "=([0-9A-F]{2})", m => ((char)Convert.ToByte(m.Groups[1].Value, 16)).ToString())
            .Select(c => (byte)c).ToArray());

    [SmtpFact]
    public async Task Plain_connection_delivers_multipart_utf8_message_with_dot_stuffing()
    {
        using var server = new AiosmtpdServer("none");
        var result = await _adapter.SendAsync(Email(), Config(server.Port, "none"), CancellationToken.None);

        var sent = Assert.IsType<DeliveryResult.Sent>(result);
        var (eml, meta) = server.Single();
        Assert.Equal("noreply@example.com", meta["from"]!.ToString());
        Assert.Equal("alice@example.org", meta["to"]![0]!.ToString());
        Assert.False(meta["tls"]!.GetValue<bool>());
        Assert.Contains($"Message-ID: <{sent.ProviderMessageId}>", eml);
        Assert.Equal("Grüße – your order ✓ has shipped and is on its way to you right now", DecodeHeader(eml, "Subject"));
        Assert.Equal("Zoë’s Shop <noreply@example.com>", DecodeHeader(eml, "From"));
        Assert.Contains("Reply-To: <support@example.com>", eml);
        Assert.Contains("List-Unsubscribe: <https://example.com/unsub?u=1>", eml);
        Assert.Contains("Content-Type: multipart/alternative;", eml);
        Assert.Contains("Content-Type: text/plain; charset=utf-8", eml);
        Assert.Contains("Content-Type: text/html; charset=utf-8", eml);
        var text = DecodeQuotedPrintable(eml);
        // The server removed our dot-stuffing: the lines arrive exactly as written.
        Assert.Contains("Hello Zoë,\r\n.hidden line starting with a dot\r\n..two dots\r\nBye", text);
        Assert.Contains("\r\n.<b>dot</b>", text);
    }

    [SmtpFact]
    public async Task The_services_own_one_click_link_becomes_both_RFC_8058_headers_and_wins_over_metadata()
    {
        using var server = new AiosmtpdServer("none");
        var message = Email() with { UnsubscribeUrl = "https://notify.example.test/u/abc.def" };
        Assert.IsType<DeliveryResult.Sent>(await _adapter.SendAsync(message, Config(server.Port, "none"), CancellationToken.None));

        var (eml, _) = server.Single();
        Assert.Contains("List-Unsubscribe: <https://notify.example.test/u/abc.def>", eml);
        Assert.Contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click", eml);
        Assert.DoesNotContain("example.com/unsub", eml);
    }

    [SmtpFact]
    public async Task Starttls_with_auth_plain()
    {
        using var server = new AiosmtpdServer("starttls");
        var result = await _adapter.SendAsync(Email(), Config(server.Port, "starttls", "mailer", Password), CancellationToken.None);
        Assert.IsType<DeliveryResult.Sent>(result);
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
        Assert.Equal("535", failure.Code);
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
    public async Task Invalid_recipient_is_permanent()
    {
        var result = Assert.IsType<DeliveryResult.Permanent>(await _adapter.SendAsync(Email("nope"), Config(25, "none"), CancellationToken.None));
        Assert.Equal("invalid_recipient", result.Code);
    }

    [Theory]
    [InlineData("a\r\n.b", "..a\r\n..b\r\n.\r\n", true)]
    [InlineData("a\r\n.b\r\n", "a\r\n..b\r\n.\r\n", false)]
    [InlineData("x\n.\ny", "x\r\n..\r\ny\r\n.\r\n", false)]
    public void Dot_stuffing(string input, string expected, bool leadingDot)
    {
        Assert.Equal(expected, SmtpClientConnection.DotStuff(leadingDot ? "." + input : input));
    }

    [Fact]
    public void Quoted_printable_keeps_lines_under_76_characters_and_round_trips()
    {
        var text = string.Concat(Enumerable.Repeat("Zoë = ünïcödé ", 20)) + " \nnext line ";
        var qp = MimeMessageBuilder.QuotedPrintable(text);
        Assert.All(qp.Split("\r\n"), line => Assert.True(line.Length <= 76, line));
        Assert.Equal(text.Replace("\n", "\r\n"), DecodeQuotedPrintable(qp));
    }
}
