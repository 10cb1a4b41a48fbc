using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Delivery;
using NotificationService.Tests.Features.Sending.Providers;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Automation.Workflows;

/// <summary>
/// A workflow that escalates to chat: an email goes out, the run waits for it to be opened, and when the wait times out
/// (virtual time: its timeout job made due) the next step posts to the person's Slack channel through the real Slack
/// adapter, against a loopback double answering as `chat.postMessage` does. The chat step's notification records the
/// platform's message id.
/// </summary>
[Collection("chat-doubles")]
public class ChatEscalationTests(ChatDoublesFixture service)
{
    private const string Flow = """
        {"key": "incident", "name": "Incident", "steps": [
          {"id": "mail", "type": "send", "channel": "email", "template": "incident-email"},
          {"id": "wait-open", "type": "waitFor", "step": "mail", "status": ["opened", "clicked"], "timeout": "PT30M",
           "then": [],
           "onTimeout": [{"id": "slack", "type": "send", "channel": "chat", "template": "incident-chat"}]}
        ]}
        """;

    [Fact]
    public async Task An_email_not_opened_in_time_escalates_to_the_persons_Slack_channel_with_the_platforms_message_id()
    {
        var tenant = await service.NewTenantAsync("{}", "email");
        await ProviderApi.CreateAsync(tenant.Http, new
        {
            channel = "chat", kind = "slack", name = "Slack bot", settings = new { }, secrets = new { botToken = "xoxb-escalation-token" },
        });
        var channelId = "C" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        await tenant.Http.IdentifyAsync("ada", new { email = "ada@example.com", chat = new { slack = new { channelId } } });
        await tenant.Http.CreateTemplateAsync(new { key = "incident-email", channel = "email", locale = "en", parts = new { subject = "Incident {{id}}", text = "Look." } });
        await tenant.Http.CreateTemplateAsync(new { key = "incident-chat", channel = "chat", locale = "en", parts = new { text = "*Incident {{id}}* is still open" } });
        await tenant.Http.PublishWorkflowAsync(Flow);

        var run = (await tenant.Http.TriggerAsync("incident", new { recipients = new[] { "ada" }, data = new { id = "INC-7" } })).Single();
        var waiting = await tenant.Http.WaitForWaitAsync(run, "wait-open");
        await service.Ledger.WaitForAsync(waiting.Sent()["mail"].Single(), "sent");
        Assert.Empty(service.Calls("/chat.postMessage").Where(c => c.Form["channel"] == channelId));

        await service.MakeDueAsync(run, "timeout");
        var done = await tenant.Http.WaitForRunAsync(run, "completed");
        var chat = done.Sent()["slack"].Single();
        await service.Ledger.WaitForAsync(chat, "sent");

        var post = Assert.Single(service.Calls("/chat.postMessage"), c => c.Form["channel"] == channelId);
        Assert.Equal("*Incident INC-7* is still open", post.Form["text"]);
        Assert.Equal("Bearer xoxb-escalation-token", post.Authorization);
        var status = await tenant.Http.StatusAsync(chat);
        Assert.Equal("slack", status["provider"]!.GetValue<string>());
        Assert.Equal(service.Answered[post], status["providerMessageId"]!.GetValue<string>());
    }
}
