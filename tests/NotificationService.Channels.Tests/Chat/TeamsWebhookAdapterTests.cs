using System.Text.Json.Nodes;
using NotificationService.Channels.Chat;
using static NotificationService.Channels.Tests.Chat.ChatTestSupport;

namespace NotificationService.Channels.Tests.Chat;

/// <summary>Against a loopback double speaking Teams Workflows: 202 on success, JSON error envelopes, 429 with Retry-After.</summary>
public sealed class TeamsWebhookAdapterTests
{
    private static readonly ChatDestination ToHook = new(Teams: new WebhookDestination(TeamsHook));

    [Fact]
    public async Task Posts_a_message_with_one_adaptive_card_to_the_same_path_and_query()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(202));
        using var sp = Services(ProviderKinds.TeamsWebhook, fake.BaseUrl);
        Assert.Equal(new DeliveryResult.Sent(null), await sp.Send(ProviderKinds.TeamsWebhook, Message(ToHook), Config(ProviderKinds.TeamsWebhook)));

        var req = Assert.Single(fake.Requests);
        Assert.Equal("/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=s1g", req.Path);
        var body = JsonNode.Parse(req.Body)!;
        Assert.Equal("message", body["type"]!.ToString());
        var attachment = body["attachments"]![0]!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment["contentType"]!.ToString());
        Assert.Equal("AdaptiveCard", attachment["content"]!["type"]!.ToString());
        Assert.Equal("Deploy finished", attachment["content"]!["body"]![0]!["text"]!.ToString());
    }

    [Fact]
    public async Task The_templates_card_is_sent_as_it_rendered()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(202));
        using var sp = Services(ProviderKinds.TeamsWebhook, fake.BaseUrl);
        var card = new JsonObject { ["type"] = "AdaptiveCard", ["version"] = "1.5", ["body"] = new JsonArray(new JsonObject { ["type"] = "TextBlock", ["text"] = "Card" }) };
        await sp.Send(ProviderKinds.TeamsWebhook, Message(ToHook, rich: new ChatRichParts(Card: card)), Config(ProviderKinds.TeamsWebhook));
        Assert.Equal("1.5", JsonNode.Parse(Assert.Single(fake.Requests).Body)!["attachments"]![0]!["content"]!["version"]!.ToString());
    }

    [Theory]
    [InlineData(429, typeof(DeliveryResult.Throttled))]
    [InlineData(400, typeof(DeliveryResult.Permanent))]
    [InlineData(404, typeof(DeliveryResult.Permanent))]      // the recipient's URL: theirs to fix, no failover
    [InlineData(401, typeof(DeliveryResult.Permanent))]
    [InlineData(502, typeof(DeliveryResult.Transient))]
    public async Task Errors_on_a_recipients_webhook(int status, Type expected)
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(status, """{"error":{"code":"TriggerInputSchemaMismatch","message":"no"}}""",
            h => { if (status == 429) h.Headers.RetryAfter = "12"; }));
        using var sp = Services(ProviderKinds.TeamsWebhook, fake.BaseUrl);
        var result = await sp.Send(ProviderKinds.TeamsWebhook, Message(ToHook), Config(ProviderKinds.TeamsWebhook));
        Assert.IsType(expected, result);
        if (result is DeliveryResult.Throttled t) Assert.Equal(TimeSpan.FromSeconds(12), t.RetryAfter);
    }

    [Fact]
    public async Task A_404_on_the_configs_own_webhook_fails_over()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(404));
        using var sp = Services(ProviderKinds.TeamsWebhook, fake.BaseUrl);
        var result = await sp.Send(ProviderKinds.TeamsWebhook, Message(new ChatDestination()), Config(ProviderKinds.TeamsWebhook, webhookUrl: TeamsHook));
        Assert.IsType<DeliveryResult.ProviderFailure>(result);
    }
}
