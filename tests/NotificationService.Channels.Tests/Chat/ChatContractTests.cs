using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Channels.Chat;

namespace NotificationService.Channels.Tests.Chat;

/// <summary>Prism serving Slack's Web API document and Discord's HTTP API document, started once for the class.</summary>
public sealed class ChatPrismFixture : IAsyncLifetime
{
    public PrismServer? Slack, Discord;

    public async Task InitializeAsync()
    {
        if (ContractEnvironment.SkipReason is not null) return;
        var slack = ContractEnvironment.StartPrismAsync("slack-api-specs/slack_web_openapi_v2.json");
        var discord = ContractEnvironment.StartPrismAsync("discord-api-spec/openapi.json");
        try { await Task.WhenAll(slack, discord); }
        finally
        {
            Slack = slack.IsCompletedSuccessfully ? slack.Result : null;
            Discord = discord.IsCompletedSuccessfully ? discord.Result : null;
        }
    }

    public Task DisposeAsync()
    {
        Slack?.Dispose();
        Discord?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// The real Slack and Discord adapters against Prism, pointed there the way an operator points a kind at a double
/// (`Providers:ChatDoubles`): Prism answers 422 to a request that breaks the published contract, so anything but Sent fails.
/// </summary>
[Trait("Category", "Contract")]
public sealed class ChatContractTests(ChatPrismFixture prism) : IClassFixture<ChatPrismFixture>
{
    private readonly ConcurrentQueue<string> _responses = new();

    private async Task<DeliveryResult.Sent> AssertSent(string kind, PrismServer? server, OutgoingMessage message, ProviderConfig config)
    {
        Assert.NotNull(server);
        using var sp = TestSupport.Services(configure: s =>
        {
            s.AddSingleton(new ChatDoubles(new Dictionary<string, string> { [kind] = server.BaseUrl }));
            // Prism builds Discord's message answer from its whole schema: on a busy two-core host that takes tens of seconds.
            s.AddHttpClient(ChatHttp.HttpClientName).ConfigureHttpClient(c => c.Timeout = TimeSpan.FromMinutes(2))
                .AddHttpMessageHandler(() => new ResponseRecorder(_responses));
        });
        var result = await sp.Adapter(kind).SendAsync(message, config, CancellationToken.None);
        var exchanges = string.Join("\n", _responses);
        Assert.False(exchanges.Contains("-> 422"), $"{kind}: Prism reports a contract violation (422):\n{exchanges}");
        return Assert.IsType<DeliveryResult.Sent>(result);
    }

    [ContractFact]
    public async Task Slack_chat_postMessage_with_text_and_blocks()
    {
        var blocks = new JsonArray(new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = "*Deploy* done" } });
        var message = ChatTestSupport.Message(new ChatDestination(Slack: new SlackDestination(ChannelId: "C0123ABCDEF")), rich: new ChatRichParts(Blocks: blocks));
        var sent = await AssertSent(ProviderKinds.Slack, prism.Slack, message, ChatTestSupport.Config(ProviderKinds.Slack, botToken: "xoxb-contract"));
        Assert.Contains(":", sent.ProviderMessageId);
    }

    [ContractFact]
    public async Task Discord_execute_webhook_with_content_and_embeds()
    {
        var embeds = new JsonArray(new JsonObject { ["title"] = "v2.3.1", ["description"] = "all green" });
        var message = ChatTestSupport.Message(new ChatDestination(Discord: new WebhookDestination(ChatTestSupport.DiscordHook)), rich: new ChatRichParts(Embeds: embeds));
        var sent = await AssertSent(ProviderKinds.DiscordWebhook, prism.Discord, message, ChatTestSupport.Config(ProviderKinds.DiscordWebhook));
        Assert.False(string.IsNullOrEmpty(sent.ProviderMessageId));
    }
}
