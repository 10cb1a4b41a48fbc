using System.Security.Cryptography;
using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using NotificationService.Channels.Outbound;
using NotificationService.Channels.Smtp;
using static NotificationService.Channels.Tests.SmtpAdapterTests;
using static NotificationService.Channels.Tests.TestSupport;

namespace NotificationService.Channels.Tests;

/// <summary>The SMTP adapter's connection pool and DKIM signing, against the real aiosmtpd on loopback.</summary>
public sealed class SmtpPoolAndDkimTests : IDisposable
{
    private readonly SmtpAdapter _adapter = new(TimeProvider.System, new OutboundGuard(["127.0.0.1"]));

    public void Dispose() => _adapter.Dispose();

    [SmtpTheory]
    [InlineData(null, 1)]   // the default pool: one connection, through STARTTLS and AUTH once
    [InlineData(0, 3)]      // poolSize 0: one connection per message
    public async Task Sends_one_after_another_reuse_one_authenticated_connection_unless_the_pool_size_is_zero(int? poolSize, int connections)
    {
        using var server = new AiosmtpdServer("starttls");
        var config = Config(server.Port, "starttls", "mailer", "pa55word");
        if (poolSize is { } size) config.Settings["poolSize"] = size;
        for (var i = 0; i < 3; i++)
            Assert.IsType<DeliveryResult.Sent>(await _adapter.SendAsync(Email(), config, CancellationToken.None));

        var received = server.All();
        Assert.Equal(3, received.Count);
        Assert.Equal(connections, received.Select(r => r.Meta["peer"]!.GetValue<int>()).Distinct().Count());
        Assert.All(received, r => Assert.True(r.Meta["tls"]!.GetValue<bool>() && r.Meta["auth"]!.GetValue<bool>()));
        Assert.Equal(connections, _adapter.Pool.Opened);
    }

    [SmtpFact]
    public async Task A_connection_idle_past_the_check_is_NOOP_checked_and_replaced_when_the_server_dropped_it()
    {
        var clock = new ManualClock();
        using var adapter = new SmtpAdapter(clock, new OutboundGuard(["127.0.0.1"]));
        int port;
        using (var first = new AiosmtpdServer("none"))
        {
            port = first.Port;
            Assert.IsType<DeliveryResult.Sent>(await adapter.SendAsync(Email(), Config(port, "none"), CancellationToken.None));
        }
        // The server went away with the pooled connection; one like it listens again on the same port.
        using var second = new AiosmtpdServer("none", port);
        clock.Advance(SmtpConnectionPool.CheckIdleAfter + TimeSpan.FromSeconds(1));
        Assert.IsType<DeliveryResult.Sent>(await adapter.SendAsync(Email(), Config(port, "none"), CancellationToken.None));
        Assert.Single(second.All());
        Assert.Equal(2, adapter.Pool.Opened);
    }

    [SmtpFact]
    public async Task A_pooled_connection_the_server_dropped_is_a_transient_failure_and_the_next_send_connects_afresh()
    {
        int port;
        using (var first = new AiosmtpdServer("none"))
        {
            port = first.Port;
            Assert.IsType<DeliveryResult.Sent>(await _adapter.SendAsync(Email(), Config(port, "none"), CancellationToken.None));
        }
        using var second = new AiosmtpdServer("none", port);
        // Within the idle window no NOOP is spent: the dead connection shows on use. Retried by the queue, never failed over.
        var dropped = Assert.IsType<DeliveryResult.Transient>(await _adapter.SendAsync(Email(), Config(port, "none"), CancellationToken.None));
        Assert.Equal("network", dropped.Code);
        Assert.IsType<DeliveryResult.Sent>(await _adapter.SendAsync(Email(), Config(port, "none"), CancellationToken.None));
        Assert.Single(second.All());
    }

    [SmtpFact]
    public async Task A_connection_older_than_the_maximum_age_is_closed_and_a_fresh_one_opened()
    {
        var clock = new ManualClock();
        using var adapter = new SmtpAdapter(clock, new OutboundGuard(["127.0.0.1"]));
        using var server = new AiosmtpdServer("none");
        Assert.IsType<DeliveryResult.Sent>(await adapter.SendAsync(Email(), Config(server.Port, "none"), CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.IsType<DeliveryResult.Sent>(await adapter.SendAsync(Email(), Config(server.Port, "none"), CancellationToken.None));
        Assert.Equal(1, adapter.Pool.Opened);
        clock.Advance(SmtpConnectionPool.MaxAge);
        Assert.IsType<DeliveryResult.Sent>(await adapter.SendAsync(Email(), Config(server.Port, "none"), CancellationToken.None));

        Assert.Equal(2, adapter.Pool.Opened);
        Assert.Equal(2, server.All().Select(r => r.Meta["peer"]!.GetValue<int>()).Distinct().Count());
    }

    [SmtpFact]
    public async Task A_config_that_stopped_sending_keeps_no_connection_open_past_the_idle_limit()
    {
        var clock = new ManualClock();
        using var adapter = new SmtpAdapter(clock, new OutboundGuard(["127.0.0.1"]));
        using var server = new AiosmtpdServer("none");
        var quiet = Config(server.Port, "none") with { Id = Guid.NewGuid() };
        Assert.IsType<DeliveryResult.Sent>(await adapter.SendAsync(Email(), quiet, CancellationToken.None));
        Assert.Equal(1, adapter.Pool.Idle);

        clock.Advance(SmtpConnectionPool.CloseIdleAfter + TimeSpan.FromSeconds(1));
        Assert.IsType<DeliveryResult.Sent>(await adapter.SendAsync(Email(), Config(server.Port, "none"), CancellationToken.None));
        Assert.Equal(1, adapter.Pool.Idle);   // the other config's, just used; the quiet one's was closed on the way
        Assert.Equal(2, adapter.Pool.Opened);
    }

    [SmtpFact]
    public async Task Concurrent_sends_never_open_more_connections_than_the_pool_size()
    {
        using var server = new AiosmtpdServer("none");
        var config = Config(server.Port, "none");
        config.Settings["poolSize"] = 2;
        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => _adapter.SendAsync(Email(), config, CancellationToken.None)));

        Assert.All(results, r => Assert.IsType<DeliveryResult.Sent>(r));
        Assert.Equal(12, server.All().Count);
        Assert.InRange(_adapter.Pool.Opened, 1, 2);
    }

    [SmtpFact]
    public async Task Two_tenants_sending_at_once_with_the_same_config_id_each_authenticate_as_themselves()
    {
        using var server = new AiosmtpdServer("starttls");
        (Guid Tenant, string Login, string Password, string From)[] tenants =
            [(Guid.NewGuid(), "mailer", "pa55word", "a@tenant-a.example"), (Guid.NewGuid(), "mailer2", "pa55word2", "b@tenant-b.example")];
        var sends = Enumerable.Range(0, 16).Select(i => tenants[i % 2]).Select(t =>
        {
            var config = Config(server.Port, "starttls", t.Login, t.Password) with { TenantId = t.Tenant };
            config.Settings["fromEmail"] = t.From;
            return _adapter.SendAsync(Email() with { TenantId = t.Tenant }, config, CancellationToken.None);
        });
        Assert.All(await Task.WhenAll(sends), r => Assert.IsType<DeliveryResult.Sent>(r));

        var received = server.All();
        Assert.Equal(16, received.Count);
        foreach (var (mail, meta) in received)
            Assert.Equal(tenants.Single(t => t.From == ((MailboxAddress)mail.From.Single()).Address).Login, meta["login"]!.ToString());
    }

    [SmtpFact]
    public async Task A_DKIM_signed_message_verifies_with_MimeKits_verifier_and_fails_after_one_header_byte_changes()
    {
        using var server = new AiosmtpdServer("none");
        using var rsa = RSA.Create(2048);
        var config = Config(server.Port, "none");
        config.Settings["dkimDomain"] = "example.com";
        config.Settings["dkimSelector"] = "notify2026";
        config = config with { Secrets = new Dictionary<string, string> { ["dkimPrivateKey"] = rsa.ExportPkcs8PrivateKeyPem() } };
        Assert.IsType<DeliveryResult.Sent>(await _adapter.SendAsync(Email(), config, CancellationToken.None));

        var eml = File.ReadAllBytes(Assert.Single(Directory.GetFiles(server.OutDir, "*.eml")));
        var locator = new OneKeyLocator("example.com", "notify2026", Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()));
        Assert.True(await Verify(eml, locator));

        var text = Encoding.ASCII.GetString(eml);
        var at = text.IndexOf("\r\nTo: ", StringComparison.Ordinal) + "\r\nTo: ".Length;
        var tampered = (byte[])eml.Clone();
        tampered[at + text[at..].IndexOf("alice", StringComparison.Ordinal)] = (byte)'A'; // alice@ → Alice@: one byte of a signed header
        Assert.False(await Verify(tampered, locator));
    }

    private static async Task<bool> Verify(byte[] eml, IDkimPublicKeyLocator locator)
    {
        var message = await MimeMessage.LoadAsync(new MemoryStream(eml));
        var index = message.Headers.IndexOf(HeaderId.DkimSignature);
        Assert.True(index >= 0, "no DKIM-Signature header");
        Assert.Contains("d=example.com", message.Headers[index].Value);
        return await new DkimVerifier(locator).VerifyAsync(message, message.Headers[index]);
    }

    /// <summary>A clock the spec moves: the pool's ages and idle times without waiting for them.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow;
        public override DateTimeOffset GetUtcNow() => _now;
        public void Advance(TimeSpan by) => _now += by;
    }

    /// <summary>The DNS TXT record a receiver would look up at selector._domainkey.domain, without DNS.</summary>
    private sealed class OneKeyLocator(string domain, string selector, string publicKey) : DkimPublicKeyLocatorBase
    {
        public override Org.BouncyCastle.Crypto.AsymmetricKeyParameter LocatePublicKey(string methods, string d, string s, CancellationToken ct = default) =>
            d == domain && s == selector ? GetPublicKey($"v=DKIM1; k=rsa; p={publicKey}") : throw new ArgumentException($"no key for {s}._domainkey.{d}");

        public override Task<Org.BouncyCastle.Crypto.AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string d, string s, CancellationToken ct = default) =>
            Task.FromResult(LocatePublicKey(methods, d, s, ct));
    }
}
