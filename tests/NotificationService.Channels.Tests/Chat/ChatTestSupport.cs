using Microsoft.Extensions.DependencyInjection;
using NotificationService.Channels.Chat;

namespace NotificationService.Channels.Tests.Chat;

/// <summary>The chat adapters pointed at a loopback double by the operator's configuration (never by the tenant's URL).</summary>
public static class ChatTestSupport
{
    public const string SlackHook = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX";
    public const string DiscordHook = "https://discord.com/api/webhooks/123456789012345678/tok_en-abc";
    public const string TeamsHook = "https://prod-12.westus.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=s1g";

    public static ServiceProvider Services(string kind, string doubleBaseUrl) =>
        TestSupport.Services(configure: s => s.AddSingleton(new ChatDoubles(new Dictionary<string, string> { [kind] = doubleBaseUrl })));

    public static ProviderConfig Config(string kind, string? webhookUrl = null, string? botToken = null)
    {
        var secrets = new Dictionary<string, string>();
        if (webhookUrl is not null) secrets["webhookUrl"] = webhookUrl;
        if (botToken is not null) secrets["botToken"] = botToken;
        return TestSupport.Config(kind, ChannelNames.Chat, new { }, secrets);
    }

    public static OutgoingMessage Message(ChatDestination chat, string text = "Deploy finished", ChatRichParts? rich = null) =>
        TestSupport.Message(ChannelNames.Chat, new Recipient(Chat: chat), new RenderedContent(Body: text, Chat: rich));

    public static async Task<DeliveryResult> Send(this ServiceProvider sp, string kind, OutgoingMessage message, ProviderConfig config) =>
        await sp.Adapter(kind).SendAsync(message, config, CancellationToken.None);
}
