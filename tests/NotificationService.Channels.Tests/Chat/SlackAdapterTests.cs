using Microsoft.AspNetCore.Http;
using System.Text.Json.Nodes;
using NotificationService.Channels.Chat;
using static NotificationService.Channels.Tests.Chat.ChatTestSupport;

namespace NotificationService.Channels.Tests.Chat;

public sealed class SlackAdapterTests
{
    private const string Token = "xoxb-secret-bot-token";
    private static readonly ChatDestination ToChannel = new(Slack: new SlackDestination(ChannelId: "C0123ABCDEF"));

    private static string NotOk(string error) => "{\"ok\":false,\"error\":\"" + error + "\"}";

    [Fact]
    public async Task Posts_to_the_recipients_channel_with_the_bot_token_and_records_channel_and_ts()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(200, """{"ok":true,"channel":"C0123ABCDEF","ts":"1503435956.000247","message":{}}"""));
        using var sp = Services(ProviderKinds.Slack, fake.BaseUrl);
        var blocks = new JsonArray(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = "*Deploy* done" } });
        var result = await sp.Send(ProviderKinds.Slack, Message(ToChannel, rich: new ChatRichParts(Blocks: blocks)), Config(ProviderKinds.Slack, botToken: Token));

        Assert.Equal(new DeliveryResult.Sent("C0123ABCDEF:1503435956.000247"), result);
        var req = Assert.Single(fake.Requests);
        Assert.Equal("/chat.postMessage", req.Path);
        Assert.Equal("Bearer " + Token, req.Header("Authorization"));
        var form = System.Web.HttpUtility.ParseQueryString(req.Body);
        Assert.Equal("C0123ABCDEF", form["channel"]);
        Assert.Equal("Deploy finished", form["text"]);
        Assert.Equal("section", JsonNode.Parse(form["blocks"]!)![0]!["type"]!.ToString());
    }

    [Fact]
    public async Task A_user_id_is_the_conversation_of_a_direct_message()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(200, """{"ok":true,"channel":"D024BE91L","ts":"1.2","message":{}}"""));
        using var sp = Services(ProviderKinds.Slack, fake.BaseUrl);
        var result = await sp.Send(ProviderKinds.Slack, Message(new ChatDestination(Slack: new SlackDestination(UserId: "U0G9QF9C6"))), Config(ProviderKinds.Slack, botToken: Token));
        Assert.Equal(new DeliveryResult.Sent("D024BE91L:1.2"), result);
        Assert.Equal("U0G9QF9C6", System.Web.HttpUtility.ParseQueryString(Assert.Single(fake.Requests).Body)["channel"]);
    }

    [Theory]
    [InlineData("channel_not_found", typeof(DeliveryResult.Permanent))]
    [InlineData("not_in_channel", typeof(DeliveryResult.Permanent))]
    [InlineData("invalid_auth", typeof(DeliveryResult.ProviderFailure))]
    [InlineData("account_inactive", typeof(DeliveryResult.ProviderFailure))]
    [InlineData("ratelimited", typeof(DeliveryResult.Throttled))]
    [InlineData("internal_error", typeof(DeliveryResult.Transient))]
    public async Task A_200_that_is_not_ok_is_classified_by_its_error(string error, Type expected)
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(200, NotOk(error)));
        using var sp = Services(ProviderKinds.Slack, fake.BaseUrl);
        var result = await sp.Send(ProviderKinds.Slack, Message(ToChannel), Config(ProviderKinds.Slack, botToken: Token));
        Assert.IsType(expected, result);
        Assert.Contains(error, result.ToString());
        Assert.DoesNotContain(Token, result.ToString());
    }

    [Fact]
    public async Task A_429_waits_as_long_as_Retry_After_says()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(429, NotOk("ratelimited"), h => h.Headers.RetryAfter = "30"));
        using var sp = Services(ProviderKinds.Slack, fake.BaseUrl);
        var result = await sp.Send(ProviderKinds.Slack, Message(ToChannel), Config(ProviderKinds.Slack, botToken: Token));
        Assert.Equal(TimeSpan.FromSeconds(30), Assert.IsType<DeliveryResult.Throttled>(result).RetryAfter);
    }

    [Fact]
    public async Task A_recipient_without_a_Slack_conversation_is_refused_before_any_call()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(200, NotOk("never")));
        using var sp = Services(ProviderKinds.Slack, fake.BaseUrl);
        var result = await sp.Send(ProviderKinds.Slack, Message(new ChatDestination(Discord: new WebhookDestination(DiscordHook))), Config(ProviderKinds.Slack, botToken: Token));
        Assert.Equal("no_destination", Assert.IsType<DeliveryResult.Permanent>(result).Code);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task The_incoming_webhook_posts_json_to_the_configs_hook_and_maps_its_plain_text_errors()
    {
        await using var fake = await LoopbackServer.StartAsync(LoopbackServer.Respond(200));
        using var sp = Services(ProviderKinds.SlackWebhook, fake.BaseUrl);
        var config = Config(ProviderKinds.SlackWebhook, webhookUrl: SlackHook);
        Assert.Equal(new DeliveryResult.Sent(null), await sp.Send(ProviderKinds.SlackWebhook, Message(new ChatDestination()), config));
        var req = Assert.Single(fake.Requests);
        Assert.Equal("/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX", req.Path);
        Assert.Equal("Deploy finished", JsonNode.Parse(req.Body)!["text"]!.ToString());

        fake.Behaviour = async (_, ctx) => { ctx.Response.StatusCode = 403; await ctx.Response.WriteAsync("invalid_token"); };
        Assert.IsType<DeliveryResult.ProviderFailure>(await sp.Send(ProviderKinds.SlackWebhook, Message(new ChatDestination()), config));
        fake.Behaviour = async (_, ctx) => { ctx.Response.StatusCode = 400; await ctx.Response.WriteAsync("invalid_payload"); };
        Assert.IsType<DeliveryResult.Permanent>(await sp.Send(ProviderKinds.SlackWebhook, Message(new ChatDestination()), config));
    }
}
