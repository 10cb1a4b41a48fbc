using System.Text;
using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;
using static NotificationService.Channels.Tests.TestSupport;

namespace NotificationService.Channels.Tests;

public sealed class TwilioAdapterTests
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string AuthToken = "twilio-auth-token-secret";
    private const string Created = """{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued"}""";

    private static ProviderConfig Config(string kind, string baseUrl, string? from = "+14155550100", string? mg = null) =>
        TestSupport.Config(kind, kind == "twilio_sms" ? "sms" : "whatsapp",
            new Dictionary<string, string?> { ["baseUrl"] = baseUrl, ["accountSid"] = AccountSid, ["from"] = from, ["messagingServiceSid"] = mg }
                .Where(kv => kv.Value is not null).ToDictionary(),
            new() { ["authToken"] = AuthToken });

    private static OutgoingMessage Sms(string phone = "+447700900123", string body = "Your code is 1234") =>
        Message("sms", new Recipient(Phone: phone), new RenderedContent(Body: body), callbackBaseUrl: "https://notify.example.com/");

    // Generous by default: a cold loopback server on a loaded CI machine can take over a second to answer.
    private static async Task<DeliveryResult> Send(string kind, LoopbackServer fake, OutgoingMessage message, ProviderConfig? config = null, TimeSpan? timeout = null)
    {
        using var sp = Services(timeout ?? TimeSpan.FromSeconds(10));
        return await sp.Adapter(kind).SendAsync(message, config ?? Config(kind, fake.BaseUrl), CancellationToken.None);
    }

    private static string TwilioError(int code, int status, string message = "error") =>
        $$"""{"code":{{code}},"message":"{{message}}","more_info":"https://www.twilio.com/docs/errors/{{code}}","status":{{status}}}""";

    [Fact]
    public async Task Sms_posts_form_with_basic_auth_and_status_callback()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(201, Created));
        var result = await Send("twilio_sms", fake, Sms());

        Assert.Equal(new DeliveryResult.Sent("SM0123456789abcdef0123456789abcdef"), result);
        var req = Assert.Single(fake.Requests);
        Assert.Equal("POST", req.Method);
        Assert.Equal($"/2010-04-01/Accounts/{AccountSid}/Messages.json", req.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}")), req.Header("Authorization"));
        Assert.StartsWith("application/x-www-form-urlencoded", req.ContentType);
        var form = req.Form;
        Assert.Equal("+447700900123", form["To"]);
        Assert.Equal("+14155550100", form["From"]);
        Assert.Equal("Your code is 1234", form["Body"]);
        Assert.Equal($"https://notify.example.com/webhooks/twilio/{ConfigId}", form["StatusCallback"]);
        Assert.False(form.ContainsKey("MessagingServiceSid"));
    }

    [Fact]
    public async Task Messaging_service_sid_replaces_from()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(201, Created));
        const string mg = "MG0123456789abcdef0123456789abcdef";
        await Send("twilio_sms", fake, Sms() with { CallbackBaseUrl = null }, Config("twilio_sms", fake.BaseUrl, from: null, mg: mg));
        var form = Assert.Single(fake.Requests).Form;
        Assert.Equal(mg, form["MessagingServiceSid"]);
        Assert.False(form.ContainsKey("From"));
        Assert.False(form.ContainsKey("StatusCallback"));
    }

    [Fact]
    public async Task WhatsApp_uses_whatsapp_addresses_and_free_text()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(201, Created));
        var message = Message("whatsapp", new Recipient(Phone: "+447700900123"), new RenderedContent(Body: "Hello"));
        Assert.IsType<DeliveryResult.Sent>(await Send("twilio_whatsapp", fake, message));
        var form = Assert.Single(fake.Requests).Form;
        Assert.Equal("whatsapp:+447700900123", form["To"]);
        Assert.Equal("whatsapp:+14155550100", form["From"]);
        Assert.Equal("Hello", form["Body"]);
    }

    [Fact]
    public async Task WhatsApp_template_uses_content_sid_and_numbered_variables()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(201, Created));
        var template = new WhatsAppTemplateRef("HX0123456789abcdef0123456789abcdef", "en", ["Alice", "42"]);
        var message = Message("whatsapp", new Recipient(Phone: "+447700900123"), new RenderedContent(Body: "ignored", WhatsAppTemplate: template));
        Assert.IsType<DeliveryResult.Sent>(await Send("twilio_whatsapp", fake, message));
        var form = Assert.Single(fake.Requests).Form;
        Assert.Equal("HX0123456789abcdef0123456789abcdef", form["ContentSid"]);
        var vars = JsonNode.Parse(form["ContentVariables"])!;
        Assert.Equal("Alice", vars["1"]!.ToString());
        Assert.Equal("42", vars["2"]!.ToString());
        Assert.False(form.ContainsKey("Body"));
    }

    [Theory]
    [InlineData(400, 21211, typeof(DeliveryResult.Permanent))]
    [InlineData(400, 21610, typeof(DeliveryResult.Permanent))]
    [InlineData(400, 21614, typeof(DeliveryResult.Permanent))]
    [InlineData(400, 30005, typeof(DeliveryResult.Permanent))]
    [InlineData(400, 30006, typeof(DeliveryResult.Permanent))]
    [InlineData(400, 30007, typeof(DeliveryResult.Permanent))]
    [InlineData(400, 30001, typeof(DeliveryResult.Transient))]
    [InlineData(500, 30008, typeof(DeliveryResult.Transient))]
    [InlineData(429, 20429, typeof(DeliveryResult.Throttled))]
    [InlineData(401, 20003, typeof(DeliveryResult.ProviderFailure))]
    [InlineData(403, 99999, typeof(DeliveryResult.ProviderFailure))]
    [InlineData(503, 99999, typeof(DeliveryResult.Transient))]
    [InlineData(400, 99999, typeof(DeliveryResult.Permanent))]
    public async Task Classifies_twilio_error_codes(int status, int code, Type expected)
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(status, TwilioError(code, status)));
        var result = await Send("twilio_sms", fake, Sms());
        Assert.IsType(expected, result);
        Assert.DoesNotContain(AuthToken, result.ToString());
        if (code != 99999) Assert.Contains(code.ToString(), result.ToString());
    }

    [Fact]
    public async Task Rate_limit_honours_retry_after()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(429, TwilioError(20429, 429, "Too Many Requests"), r => r.Headers.RetryAfter = "3"));
        var result = Assert.IsType<DeliveryResult.Throttled>(await Send("twilio_sms", fake, Sms()));
        Assert.Equal(TimeSpan.FromSeconds(3), result.RetryAfter);
        Assert.Equal("20429", result.Code);
    }

    [Fact]
    public async Task Slow_response_is_transient()
    {
        await using var fake = await LoopbackServer.StartAsync(async (_, ctx) => { await Task.Delay(30_000, ctx.RequestAborted); ctx.Response.StatusCode = 201; });
        Assert.IsType<DeliveryResult.Transient>(await Send("twilio_sms", fake, Sms(), timeout: TimeSpan.FromMilliseconds(700)));
    }

    [Fact]
    public async Task A_cancelled_send_is_cancelled_not_classified()
    {
        using var sp = Services();
        await sp.AssertCancelledWhileTheRequestIsHeld("twilio_sms", Sms(), baseUrl => Config("twilio_sms", baseUrl));
    }

    [Fact]
    public async Task A_destination_the_outbound_guard_refuses_is_a_provider_failure_and_is_never_contacted()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(201, Created));
        using var sp = Services(configure: s => s.AddSingleton(new NotificationService.Channels.Outbound.OutboundGuard([])));
        var result = await sp.Adapter("twilio_sms").SendAsync(Sms(), Config("twilio_sms", fake.BaseUrl), CancellationToken.None);
        Assert.Equal("refused", Assert.IsType<DeliveryResult.ProviderFailure>(result).Code);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task Two_tenants_sending_at_once_through_one_double_each_use_their_own_account_and_token()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(201, Created));
        using var sp = Services();
        var adapter = sp.Adapter("twilio_sms");
        var tenants = new[]
        {
            (Tenant: Guid.NewGuid(), Sid: "AC" + new string('a', 32), Token: "token-of-tenant-a"),
            (Tenant: Guid.NewGuid(), Sid: "AC" + new string('b', 32), Token: "token-of-tenant-b"),
        };
        var sends = Enumerable.Range(0, 40).Select(i => tenants[i % 2]).Select(t =>
        {
            var config = Config("twilio_sms", fake.BaseUrl) with { TenantId = t.Tenant, Secrets = new Dictionary<string, string> { ["authToken"] = t.Token } };
            config.Settings["accountSid"] = t.Sid;
            return adapter.SendAsync(Sms() with { TenantId = t.Tenant }, config, CancellationToken.None);
        });
        Assert.All(await Task.WhenAll(sends), r => Assert.IsType<DeliveryResult.Sent>(r));

        Assert.Equal(40, fake.Requests.Count);
        foreach (var request in fake.Requests)
        {
            var tenant = tenants.Single(t => request.Path.Contains(t.Sid));
            Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{tenant.Sid}:{tenant.Token}")), request.Authorization);
        }
    }

    [Theory]
    [InlineData("07700900123")]
    [InlineData("+0123")]
    [InlineData("")]
    public async Task Non_e164_recipient_is_permanent(string phone)
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(201, Created));
        var result = Assert.IsType<DeliveryResult.Permanent>(await Send("twilio_sms", fake, Sms(phone)));
        Assert.Equal("invalid_recipient", result.Code);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task Body_over_1600_characters_is_permanent()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(201, Created));
        var result = Assert.IsType<DeliveryResult.Permanent>(await Send("twilio_sms", fake, Sms(body: new string('x', 1601))));
        Assert.Equal("body_too_long", result.Code);
        Assert.Empty(fake.Requests);
    }
}
