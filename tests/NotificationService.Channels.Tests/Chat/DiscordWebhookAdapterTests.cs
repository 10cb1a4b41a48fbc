using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Channels.Chat;
using static NotificationService.Channels.Tests.Chat.ChatTestSupport;

namespace NotificationService.Channels.Tests.Chat;

public sealed class DiscordWebhookAdapterTests
{
    private static readonly ChatDestination ToHook = new(Discord: new WebhookDestination(DiscordHook));

    [Fact]
    public async Task Posts_content_and_embeds_with_wait_and_records_the_message_id()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(200, """{"id":"1180000000000000001","channel_id":"1","content":"Deploy finished"}"""));
        using var sp = Services(ProviderKinds.DiscordWebhook, fake.BaseUrl);
        var embeds = new JsonArray(new JsonObject { ["title"] = "v2.3.1", ["description"] = "all green" });
        var result = await sp.Send(ProviderKinds.DiscordWebhook, Message(ToHook, rich: new ChatRichParts(Embeds: embeds)), Config(ProviderKinds.DiscordWebhook));

        Assert.Equal(new DeliveryResult.Sent("1180000000000000001"), result);
        var req = Assert.Single(fake.Requests);
        Assert.Equal("/webhooks/123456789012345678/tok_en-abc?wait=true", req.Path);
        var body = JsonNode.Parse(req.Body)!;
        Assert.Equal("Deploy finished", body["content"]!.ToString());
        Assert.Equal("v2.3.1", body["embeds"]![0]!["title"]!.ToString());
    }

    [Fact]
    public async Task A_429_waits_for_the_bodys_retry_after_and_otherwise_the_rate_limit_headers()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(429, """{"message":"You are being rate limited.","retry_after":2.5,"global":false}""",
            h => { h.Headers["X-RateLimit-Reset-After"] = "9"; h.Headers.RetryAfter = "60"; }));
        using var sp = Services(ProviderKinds.DiscordWebhook, fake.BaseUrl);
        var result = await sp.Send(ProviderKinds.DiscordWebhook, Message(ToHook), Config(ProviderKinds.DiscordWebhook));
        Assert.Equal(TimeSpan.FromSeconds(2.5), Assert.IsType<DeliveryResult.Throttled>(result).RetryAfter);

        fake.Behaviour = LoopbackServer.Respond(429, null, h => { h.Headers["X-RateLimit-Reset-After"] = "1.75"; h.Headers["X-RateLimit-Remaining"] = "0"; });
        result = await sp.Send(ProviderKinds.DiscordWebhook, Message(ToHook), Config(ProviderKinds.DiscordWebhook));
        Assert.Equal(TimeSpan.FromSeconds(1.75), Assert.IsType<DeliveryResult.Throttled>(result).RetryAfter);
    }

    [Fact]
    public async Task An_unknown_webhook_is_permanent_for_a_recipients_url_and_a_provider_failure_for_the_configs()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(404, """{"message":"Unknown Webhook","code":10015}"""));
        using var sp = Services(ProviderKinds.DiscordWebhook, fake.BaseUrl);
        var recipients = await sp.Send(ProviderKinds.DiscordWebhook, Message(ToHook), Config(ProviderKinds.DiscordWebhook));
        Assert.Equal("10015", Assert.IsType<DeliveryResult.Permanent>(recipients).Code);
        var configs = await sp.Send(ProviderKinds.DiscordWebhook, Message(new ChatDestination()), Config(ProviderKinds.DiscordWebhook, webhookUrl: DiscordHook));
        Assert.Equal("10015", Assert.IsType<DeliveryResult.ProviderFailure>(configs).Code);
    }

    [Fact]
    public async Task An_invalid_form_body_is_permanent()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(400, """{"message":"Invalid Form Body","code":50035}"""));
        using var sp = Services(ProviderKinds.DiscordWebhook, fake.BaseUrl);
        Assert.IsType<DeliveryResult.Permanent>(await sp.Send(ProviderKinds.DiscordWebhook, Message(ToHook), Config(ProviderKinds.DiscordWebhook)));
    }

    [Fact]
    public async Task Content_over_Discords_limit_fails_before_the_call()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(200, """{"id":"1"}"""));
        using var sp = Services(ProviderKinds.DiscordWebhook, fake.BaseUrl);
        var result = await sp.Send(ProviderKinds.DiscordWebhook, Message(ToHook, new string('x', 2001)), Config(ProviderKinds.DiscordWebhook));
        Assert.Equal("body_too_long", Assert.IsType<DeliveryResult.Permanent>(result).Code);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_refuses_the_recipients_url()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(307, null, h => h.Headers.Location = "http://169.254.169.254/latest/meta-data"));
        using var sp = Services(ProviderKinds.DiscordWebhook, fake.BaseUrl);
        var result = await sp.Send(ProviderKinds.DiscordWebhook, Message(ToHook), Config(ProviderKinds.DiscordWebhook));
        Assert.Equal("redirect", Assert.IsType<DeliveryResult.Permanent>(result).Code);
        Assert.Single(fake.Requests);
    }

    [Fact]
    public async Task A_url_on_another_host_is_refused_at_send_without_contacting_it()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(200, """{"id":"1"}"""));
        using var sp = TestSupport.Services();   // no double: the URL itself would be called
        var foreign = new ChatDestination(Discord: new WebhookDestination(fake.BaseUrl + "/api/webhooks/1/x"));
        var result = await sp.Send(ProviderKinds.DiscordWebhook, Message(foreign), Config(ProviderKinds.DiscordWebhook));
        Assert.Equal("config", Assert.IsType<DeliveryResult.Permanent>(result).Code);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task An_allowed_host_that_resolves_to_a_private_address_is_refused_by_the_guard_at_connect()
    {
        // The operator's double on loopback, but a guard that allows nothing private: the connect is refused.
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(200, """{"id":"1"}"""));
        using var sp = TestSupport.Services(configure: s =>
        {
            s.AddSingleton(new ChatDoubles(new Dictionary<string, string> { [ProviderKinds.DiscordWebhook] = fake.BaseUrl }));
            s.AddSingleton(new NotificationService.Channels.Outbound.OutboundGuard([]));
        });
        var result = await sp.Send(ProviderKinds.DiscordWebhook, Message(ToHook), Config(ProviderKinds.DiscordWebhook));
        Assert.Equal("refused", Assert.IsType<DeliveryResult.Permanent>(result).Code);
        Assert.Empty(fake.Requests);
    }
}
