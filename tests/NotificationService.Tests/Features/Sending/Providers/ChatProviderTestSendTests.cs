using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Sending.Delivery;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Providers;

/// <summary>
/// A chat config's test send (`POST /admin/providers/{id}/test`) goes where its recipient's `chat` says, through the real
/// adapter (a loopback double of Slack's `chat.postMessage` here), so an admin can check a bot token before traffic
/// depends on it.
/// </summary>
[Collection("chat-doubles")]
public class ChatProviderTestSendTests(ChatDoublesFixture service)
{
    [Fact]
    public async Task A_slack_configs_test_send_posts_to_the_channel_its_recipient_names_and_answers_the_message_id()
    {
        var tenant = await service.BareTenantAsync();
        var id = await ProviderApi.CreateAsync(tenant.Http, new
        {
            channel = "chat", kind = "slack", name = "Slack", settings = new { }, secrets = new { botToken = "xoxb-test-send" },
        });
        var channelId = "C" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

        var answer = await (await tenant.Http.PostJsonAsync($"{ProviderApi.Url}/{id}/test",
            new { recipient = new { chat = new { slack = new { channelId } } }, body = "Is this thing on?" })).JsonAsync();

        Assert.Equal("sent", answer["outcome"]!.GetValue<string>());
        var post = Assert.Single(service.Calls("/chat.postMessage"), c => c.Form["channel"] == channelId);
        Assert.Equal("Is this thing on?", post.Form["text"]);
        Assert.Equal(service.Answered[post], answer["providerMessageId"]!.GetValue<string>());
    }
}
