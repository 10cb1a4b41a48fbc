using NotificationService.Channels.Outbound;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using static NotificationService.Channels.Tests.TestSupport;

namespace NotificationService.Channels.Tests;

public sealed class SendGridAdapterTests
{
    private const string ApiKey = "SG.secret-api-key-value";

    private static ProviderConfig Config(string baseUrl) => TestSupport.Config("sendgrid", "email",
        new { baseUrl, fromEmail = "noreply@example.com", fromName = "Example Ltd", replyTo = "support@example.com" },
        new() { ["apiKey"] = ApiKey });

    private static OutgoingMessage Email(string to = "alice@example.org") => Message("email",
        new Recipient(Email: to), new RenderedContent(Subject: "Your order", Body: "Plain text", Html: "<p>Html</p>"),
        new Dictionary<string, string> { ["unsubscribeUrl"] = "https://example.com/unsub?u=1" }, category: "orders");

    // Generous by default: a cold loopback server on a loaded CI machine can take over a second to answer.
    private static async Task<DeliveryResult> Send(LoopbackServer fake, OutgoingMessage? message = null, TimeSpan? timeout = null)
    {
        using var sp = Services(timeout ?? TimeSpan.FromSeconds(10));
        return await sp.Adapter("sendgrid").SendAsync(message ?? Email(), Config(fake.BaseUrl), CancellationToken.None);
    }

    [Fact]
    public async Task Sends_byte_for_byte_the_request_the_SDKs_SendEmailAsync_sends()
    {
        // The adapter builds the envelope once per config and sends through the SDK's MakeRequest: the oracle is the SDK's
        // own SendEmailAsync with the same message, so a header the SDK adds or drops (the JSON charset) shows up here.
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(202));
        Assert.IsType<DeliveryResult.Sent>(await Send(fake));
        using var http = new HttpClient();
        var options = new global::SendGrid.SendGridClientOptions { ApiKey = ApiKey, Host = fake.BaseUrl };
        var sdk = new global::SendGrid.SendGridClient(http, options);
        var config = Config(fake.BaseUrl);
        await sdk.SendEmailAsync(SendGrid.SendGridAdapter.BuildMessage(Email(), config, "alice@example.org"));

        var (ours, theirs) = (fake.Requests.First(), fake.Requests.Last());
        Assert.Equal(2, fake.Requests.Count);
        Assert.Equal((theirs.Method, theirs.Path, theirs.ContentType, theirs.Body), (ours.Method, ours.Path, ours.ContentType, ours.Body));
        Assert.Equal("application/json", ours.ContentType);
        foreach (var header in new[] { "Authorization", "Accept", "User-Agent" })
            Assert.Equal(theirs.Header(header), ours.Header(header));
        Assert.StartsWith("sendgrid/", ours.Header("User-Agent"));
    }

    [Fact]
    public async Task The_body_is_what_the_SDKs_Serialize_writes_for_the_message_built_through_its_setters()
    {
        // The adapter writes the body through one shared serializer with Serialize()'s settings, from a message whose contents
        // it adds in SendGrid's order. The oracle is the SDK's own Serialize() of the same message built the plain way
        // (PlainTextContent/HtmlContent, one AddCustomArg each), with text the escaping and UTF-8 encoding must get right:
        // HTML characters, quotes, and emoji (surrogate pairs) well past the first buffer's size.
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(202));
        var html = "<p>" + string.Concat(Enumerable.Repeat("Déjà 👍 &amp; 'x' \"y\" ", 600)) + "</p>";
        var content = new RenderedContent(Subject: "Café ☕ <deals> & more", Body: "Plain 👍 text", Html: html);
        var message = Message("email", new Recipient(Email: "alice@example.org"), content,
            new Dictionary<string, string> { ["unsubscribeUrl"] = "https://example.com/unsub?u=1" }, category: "orders");
        Assert.IsType<DeliveryResult.Sent>(await Send(fake, message));

        var reference = new global::SendGrid.Helpers.Mail.SendGridMessage
        {
            From = new("noreply@example.com", "Example Ltd"), Subject = content.Subject, PlainTextContent = content.Body, HtmlContent = html,
        };
        reference.AddTo("alice@example.org");
        reference.AddCustomArg("notification_id", NotificationId.ToString());
        reference.AddCustomArg("tenant_id", TenantId.ToString());
        reference.SetReplyTo(new("support@example.com"));
        reference.AddCategory("orders");
        reference.AddGlobalHeader("List-Unsubscribe", "<https://example.com/unsub?u=1>");
        reference.AddGlobalHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        Assert.Equal(reference.Serialize(), Assert.Single(fake.Requests).Body);
    }

    [Fact]
    public async Task Sends_mail_send_request_with_ids_categories_and_unsubscribe_header()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(202, headers: r => r.Headers["X-Message-Id"] = "sg-msg-1"));
        var result = await Send(fake);

        Assert.Equal(new DeliveryResult.Sent("sg-msg-1"), result);
        var req = Assert.Single(fake.Requests);
        Assert.Equal("POST", req.Method);
        Assert.Equal("/v3/mail/send", req.Path);
        Assert.Equal("Bearer " + ApiKey, req.Header("Authorization"));
        Assert.StartsWith("application/json", req.ContentType);
        var body = JsonNode.Parse(req.Body)!;
        var p = body["personalizations"]![0]!;
        Assert.Equal("alice@example.org", p["to"]![0]!["email"]!.ToString());
        Assert.Equal(NotificationId.ToString(), p["custom_args"]!["notification_id"]!.ToString());
        Assert.Equal(TenantId.ToString(), p["custom_args"]!["tenant_id"]!.ToString());
        Assert.Equal("noreply@example.com", body["from"]!["email"]!.ToString());
        Assert.Equal("Example Ltd", body["from"]!["name"]!.ToString());
        Assert.Equal("support@example.com", body["reply_to"]!["email"]!.ToString());
        Assert.Equal("Your order", body["subject"]!.ToString());
        Assert.Equal("text/plain", body["content"]![0]!["type"]!.ToString());
        Assert.Equal("Plain text", body["content"]![0]!["value"]!.ToString());
        Assert.Equal("text/html", body["content"]![1]!["type"]!.ToString());
        Assert.Equal("orders", body["categories"]![0]!.ToString());
        Assert.Equal("<https://example.com/unsub?u=1>", body["headers"]!["List-Unsubscribe"]!.ToString());
        Assert.Equal("List-Unsubscribe=One-Click", body["headers"]!["List-Unsubscribe-Post"]!.ToString());
        Assert.Null(body["custom_args"]);
    }

    [Theory]
    [InlineData(400, typeof(DeliveryResult.Permanent))]
    [InlineData(413, typeof(DeliveryResult.Permanent))]
    [InlineData(401, typeof(DeliveryResult.ProviderFailure))]
    [InlineData(403, typeof(DeliveryResult.ProviderFailure))]
    [InlineData(500, typeof(DeliveryResult.Transient))]
    [InlineData(503, typeof(DeliveryResult.Transient))]
    public async Task Classifies_http_errors(int status, Type expected)
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(status,
            """{"errors":[{"message":"The from address does not match a verified Sender Identity.","field":"from","help":null}]}"""));
        var result = await Send(fake);
        Assert.IsType(expected, result);
        Assert.DoesNotContain(ApiKey, result.ToString());
    }

    [Fact]
    public async Task Error_text_names_the_field()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(400, """{"errors":[{"message":"Invalid subject","field":"subject"}]}"""));
        var result = Assert.IsType<DeliveryResult.Permanent>(await Send(fake));
        Assert.Equal("400", result.Code);
        Assert.Contains("subject: Invalid subject", result.Error);
    }

    [Fact]
    public async Task Throttled_429_honours_retry_after_seconds()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(429, """{"errors":[{"message":"too many requests"}]}""", r => r.Headers.RetryAfter = "17"));
        var result = Assert.IsType<DeliveryResult.Throttled>(await Send(fake));
        Assert.Equal(TimeSpan.FromSeconds(17), result.RetryAfter);
    }

    [Fact]
    public async Task Throttled_429_honours_retry_after_http_date()
    {
        // The date is made when the answer is (40 s ahead, to the second); the wait is at most 40 s and less only by the
        // truncated second and the time the answer took to be read, whatever that time was on this machine.
        var answeredAt = DateTimeOffset.MinValue;
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(429, null, r =>
        {
            answeredAt = DateTimeOffset.UtcNow;
            r.Headers.RetryAfter = answeredAt.AddSeconds(40).ToString("R");
        }));
        var result = Assert.IsType<DeliveryResult.Throttled>(await Send(fake));
        var reading = (DateTimeOffset.UtcNow - answeredAt).TotalSeconds;
        Assert.InRange(result.RetryAfter.TotalSeconds, 39 - reading, 40);
    }

    [Fact]
    public async Task Slow_response_is_a_transient_timeout()
    {
        await using var fake = await LoopbackServer.StartAsync(async (_, ctx) => { await Task.Delay(30_000, ctx.RequestAborted); ctx.Response.StatusCode = 202; });
        var result = Assert.IsType<DeliveryResult.Transient>(await Send(fake, timeout: TimeSpan.FromMilliseconds(700)));
        Assert.Equal("timeout", result.Code);
    }

    [Fact]
    public async Task Connection_refused_is_transient()
    {
        using var sp = Services();
        var port = FreePort();
        var result = await sp.Adapter("sendgrid").SendAsync(Email(), Config($"http://127.0.0.1:{port}"), CancellationToken.None);
        var transient = Assert.IsType<DeliveryResult.Transient>(result);
        Assert.Equal("network", transient.Code);
    }

    [Fact]
    public async Task A_destination_the_outbound_guard_refuses_is_a_provider_failure_and_is_never_contacted()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(202));
        using var sp = Services(configure: s => s.AddSingleton(new OutboundGuard([])));   // no allow-list: loopback is internal
        var result = await sp.Adapter("sendgrid").SendAsync(Email(), Config(fake.BaseUrl), CancellationToken.None);
        var failure = Assert.IsType<DeliveryResult.ProviderFailure>(result);
        Assert.Equal("refused", failure.Code);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task Invalid_recipient_is_permanent_without_a_request()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(202));
        var result = Assert.IsType<DeliveryResult.Permanent>(await Send(fake, Email("not-an-email")));
        Assert.Equal("invalid_recipient", result.Code);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task Missing_api_key_is_a_provider_failure()
    {
        using var sp = Services();
        var config = TestSupport.Config("sendgrid", "email", new { fromEmail = "noreply@example.com" }, new());
        var result = await sp.Adapter("sendgrid").SendAsync(Email(), config, CancellationToken.None);
        Assert.IsType<DeliveryResult.ProviderFailure>(result);
    }

    [Fact]
    public async Task Sandbox_mode_and_the_unsubscribe_group_reach_mail_settings_and_asm()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(200));
        using var sp = Services();
        var config = Config(fake.BaseUrl);
        config.Settings["sandboxMode"] = true;
        config.Settings["unsubscribeGroupId"] = 4242;
        Assert.IsType<DeliveryResult.Sent>(await sp.Adapter("sendgrid").SendAsync(Email(), config, CancellationToken.None));

        var body = JsonNode.Parse(Assert.Single(fake.Requests).Body)!;
        Assert.True(body["mail_settings"]!["sandbox_mode"]!["enable"]!.GetValue<bool>());
        Assert.Equal(4242, body["asm"]!["group_id"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(null, null, "https://api.sendgrid.com")]
    [InlineData("eu", null, "https://api.eu.sendgrid.com")]
    [InlineData("global", null, "https://api.sendgrid.com")]
    [InlineData("eu", "http://127.0.0.1:9/", "http://127.0.0.1:9")]
    public void The_host_is_the_base_url_when_set_else_the_regions(string? region, string? baseUrl, string expected)
    {
        var config = TestSupport.Config("sendgrid", "email", new { region, baseUrl, fromEmail = "noreply@example.com" }, new() { ["apiKey"] = ApiKey });
        Assert.Equal(expected, SendGrid.SendGridClients.Host(config));
    }

    [Fact]
    public async Task A_cancelled_send_is_cancelled_not_classified()
    {
        using var sp = Services();
        await sp.AssertCancelledWhileTheRequestIsHeld("sendgrid", Email(), Config);
    }

    [Fact]
    public async Task Two_tenants_sending_at_once_through_one_double_each_use_their_own_api_key()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(202));
        using var sp = Services();
        var adapter = sp.Adapter("sendgrid");
        var tenants = new[] { (Tenant: Guid.NewGuid(), Key: "SG.tenant-a"), (Tenant: Guid.NewGuid(), Key: "SG.tenant-b") };
        // The same config id under both tenants: the client cache must tell them apart by tenant, not by config id alone.
        var sends = Enumerable.Range(0, 40).Select(i => tenants[i % 2]).Select(t => adapter.SendAsync(Email() with { TenantId = t.Tenant },
            Config(fake.BaseUrl) with { TenantId = t.Tenant, Secrets = new Dictionary<string, string> { ["apiKey"] = t.Key } }, CancellationToken.None));
        Assert.All(await Task.WhenAll(sends), r => Assert.IsType<DeliveryResult.Sent>(r));

        Assert.Equal(40, fake.Requests.Count);
        foreach (var request in fake.Requests)
        {
            var tenant = Guid.Parse(JsonNode.Parse(request.Body)!["personalizations"]![0]!["custom_args"]!["tenant_id"]!.ToString());
            Assert.Equal("Bearer " + tenants.Single(t => t.Tenant == tenant).Key, request.Authorization);
        }
    }

    public static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
