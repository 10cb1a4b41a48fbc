using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Delivery;
using NotificationService.Tests.Features.Sending.Providers;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Shared;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Automation.Digests;

/// <summary>
/// A digest delivered to chat: comments on a thread join one window, and its close posts one Discord message (text and
/// an embed carrying the count and the kept comments) to the person's own webhook, through the real Discord adapter
/// against a loopback double answering as `execute_webhook` with `?wait=true` does. Virtual time: the window's close
/// job is made due.
/// </summary>
[Collection("chat-doubles")]
public class DiscordDigestTests(ChatDoublesFixture service)
{
    private const string ToDiscord = """{"id":"chat","type":"send","channel":"chat","template":"comments-chat"}""";

    [Fact]
    public async Task Three_comments_on_a_thread_become_one_Discord_message_at_the_persons_webhook_with_its_message_id()
    {
        var tenant = await service.BareTenantAsync();
        await ProviderApi.CreateAsync(tenant.Http, new { channel = "chat", kind = "discord_webhook", name = "Discord", settings = new { } });
        var hook = $"/webhooks/{Random.Shared.NextInt64(100_000_000_000_000_000, 999_999_999_999_999_999)}/tok-{Guid.NewGuid():N}";
        await tenant.Http.IdentifyAsync("ada", new { chat = new { discord = new { webhookUrl = "https://discord.com/api" + hook } } });
        await tenant.Http.CreateTemplateAsync(new
        {
            key = "comments-chat", channel = "chat", locale = "en",
            parts = new
            {
                text = "{{steps.batch.count}} new comments",
                embeds = new object[] { new { title = "Thread", description = "{{#each steps.batch.events}}[{{text}}]{{/each}}" } },
            },
        });
        await tenant.Http.PublishWorkflowAsync(DigestApi.Flow(DigestApi.Batch, ToDiscord));

        var thread = new[] { await tenant.Http.CommentAsync("t1", "first"), await tenant.Http.CommentAsync("t1", "second"), await tenant.Http.CommentAsync("t1", "third") };
        foreach (var run in thread) await tenant.Http.WaitForWaitAsync(run, "batch");
        Assert.Empty(service.Calls(hook));

        await service.CloseWindowsAsync(tenant.Id);
        var done = new List<JsonNode>();
        foreach (var run in thread) done.Add(await tenant.Http.WaitForRunAsync(run, "completed"));
        var carrier = Assert.Single(done, r => r.Sends("chat"));
        var chat = carrier.Sent()["chat"].Single();
        await service.Ledger.WaitForAsync(chat, "sent");

        var post = Assert.Single(service.Calls(hook));
        Assert.Contains("wait=true", post.Path);
        var body = JsonNode.Parse(post.Body)!;
        Assert.Equal("3 new comments", body["content"]!.GetValue<string>());
        Assert.Equal("[first][second][third]", body["embeds"]![0]!["description"]!.GetValue<string>());
        var status = await tenant.Http.StatusAsync(chat);
        Assert.Equal(service.Answered[post], status["providerMessageId"]!.GetValue<string>());
    }
}
