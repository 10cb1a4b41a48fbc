using System.Net;
using NotificationService.Tests.Support;
using static NotificationService.Tests.Features.Sending.ProviderCallbacks.CallbackTestSupport;

namespace NotificationService.Tests.Features.Sending.ProviderCallbacks;

[Collection("service")]
public class TwilioAndWhatsAppCallbackTests(ServiceFixture service)
{
    private const string Token = "twilio-auth-token";
    private const string AppSecret = "meta-app-secret";

    [Fact]
    public async Task Twilio_statuses_move_forward_only_and_a_late_sent_does_not_overwrite_delivered()
    {
        var tenant = await service.NewTenantAsync(channels: "sms");
        var config = await service.AddProviderWithSecretsAsync(tenant.Id, "sms", "twilio_sms", new Dictionary<string, string> { ["authToken"] = Token });
        var (id, sid) = await tenant.SentAsync(Sms());

        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.SendAsync(TwilioRequest(config, Token, new() { ["MessageSid"] = sid, ["MessageStatus"] = "delivered" }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.SendAsync(TwilioRequest(config, Token, new() { ["MessageSid"] = sid, ["MessageStatus"] = "sent" }))).StatusCode);
        Assert.Equal("delivered", (await tenant.Http.StatusAsync(id))["status"]!.GetValue<string>());
        Assert.Single(await tenant.HistoryAsync(id), "delivered");

        // Signed with another token, or a parameter changed after signing: 401, nothing changes.
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.Http.SendAsync(TwilioRequest(config, "wrong", new() { ["MessageSid"] = sid, ["MessageStatus"] = "read" }))).StatusCode);
        var forged = TwilioRequest(config, Token, new() { ["MessageSid"] = sid, ["MessageStatus"] = "delivered" });
        var sig = forged.Headers.GetValues("X-Twilio-Signature").Single();
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.Http.SendAsync(TwilioRequest(config, Token, new() { ["MessageSid"] = sid, ["MessageStatus"] = "read" }, sig))).StatusCode);
        Assert.Equal("delivered", (await tenant.Http.StatusAsync(id))["status"]!.GetValue<string>());

        var bad = await tenant.Http.SendAsync(TwilioRequest(config, Token, new() { ["MessageSid"] = sid, ["MessageStatus"] = "vanished" }));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Twilio_21610_fails_the_message_and_suppresses_the_number_and_STOP_replies_suppress_too()
    {
        var tenant = await service.NewTenantAsync(channels: ["sms", "whatsapp"]);
        var config = await service.AddProviderWithSecretsAsync(tenant.Id, "sms", "twilio_sms", new Dictionary<string, string> { ["authToken"] = Token });
        var (id, sid) = await tenant.SentAsync(Sms("+14155550111"));
        await tenant.Http.SendAsync(TwilioRequest(config, Token, new() { ["MessageSid"] = sid, ["MessageStatus"] = "undelivered", ["ErrorCode"] = "21610", ["To"] = "+14155550111" }));
        var failed = await tenant.Http.StatusAsync(id);
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.StartsWith("twilio 21610", failed["lastError"]!.GetValue<string>());
        await tenant.Http.WaitForStatusAsync(await tenant.Http.SendOkAsync(Sms("+14155550111")), "suppressed");

        await tenant.Http.SendAsync(TwilioRequest(config, Token, new() { ["MessageSid"] = "SMin", ["From"] = "+14155550122", ["Body"] = " stop ", ["OptOutType"] = "STOP" }));
        await tenant.Http.WaitForStatusAsync(await tenant.Http.SendOkAsync(Sms("+14155550122")), "suppressed");
        // Per channel: STOP on SMS is not an opt-out from WhatsApp.
        await tenant.Http.WaitForStatusAsync(await tenant.Http.SendOkAsync(WhatsApp("+14155550122")), "sent");
    }

    [Fact]
    public async Task WhatsApp_challenge_read_implies_delivered_and_bad_signatures_are_refused()
    {
        var tenant = await service.NewTenantAsync(channels: "whatsapp");
        var config = await service.AddProviderWithSecretsAsync(tenant.Id, "whatsapp", "meta_whatsapp",
            new Dictionary<string, string> { ["accessToken"] = "x", ["appSecret"] = AppSecret, ["verifyToken"] = "vt-123" });

        var challenge = await tenant.Http.GetAsync($"/webhooks/whatsapp/{config}?hub.mode=subscribe&hub.verify_token=vt-123&hub.challenge=1158201444");
        Assert.Equal("1158201444", await challenge.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.Http.GetAsync($"/webhooks/whatsapp/{config}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1")).StatusCode);

        var (id, wamid) = await tenant.SentAsync(WhatsApp());
        var ts = Now();
        var body = MetaStatuses(new { id = wamid, status = "read", timestamp = ts, recipient_id = "14155550100" }, new { id = wamid, status = "sent", timestamp = ts, recipient_id = "14155550100" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.Http.SendAsync(MetaRequest(config, "other-secret", body))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await tenant.Http.SendAsync(MetaRequest(config, AppSecret, body, signature: ""))).StatusCode);
        Assert.Equal("sent", (await tenant.Http.StatusAsync(id))["status"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.SendAsync(MetaRequest(config, AppSecret, body))).StatusCode);
        Assert.Equal(["delivered", "read"], (await tenant.HistoryAsync(id))[^2..]);
        Assert.Equal(HttpStatusCode.BadRequest, (await tenant.Http.SendAsync(MetaRequest(config, AppSecret, "{\"entry\": 5"))).StatusCode);
    }

    [Fact]
    public async Task WhatsApp_opt_out_error_131050_suppresses_the_number()
    {
        var tenant = await service.NewTenantAsync(channels: "whatsapp");
        var config = await service.AddProviderWithSecretsAsync(tenant.Id, "whatsapp", "meta_whatsapp", new Dictionary<string, string> { ["appSecret"] = AppSecret });
        var (id, wamid) = await tenant.SentAsync(WhatsApp("+14155550133"));
        var body = MetaStatuses(new { id = wamid, status = "failed", timestamp = Now(), recipient_id = "14155550133", errors = new[] { new { code = 131050, title = "User stopped marketing messages" } } });
        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.SendAsync(MetaRequest(config, AppSecret, body))).StatusCode);
        Assert.Equal("failed", (await tenant.Http.StatusAsync(id))["status"]!.GetValue<string>());
        await tenant.Http.WaitForStatusAsync(await tenant.Http.SendOkAsync(WhatsApp("+14155550133")), "suppressed");
    }
}
