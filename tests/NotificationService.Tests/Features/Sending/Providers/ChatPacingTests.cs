using System.Text.Json.Nodes;
using NotificationService.Channels;
using NotificationService.Channels.Chat;
using NotificationService.Features.Sending.Providers;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Providers;

/// <summary>
/// Slack takes one message per second per conversation: a second message to the same channel in the same turn waits for
/// the next (the database counter every worker shares), while another conversation or another kind goes at once.
/// </summary>
[Collection("service")]
public class ChatPacingTests(ServiceFixture service)
{
    private static ProviderConfig Slack(string kind = ProviderKinds.Slack, Guid? tenantId = null) =>
        new(Guid.NewGuid(), tenantId ?? Guid.NewGuid(), ChannelNames.Chat, kind, "slack", 1, new JsonObject(), new Dictionary<string, string> { ["botToken"] = "x" });

    private static Recipient To(string channelId) => new(Chat: new ChatDestination(Slack: new SlackDestination(ChannelId: channelId)));

    [Fact]
    public async Task Two_messages_to_one_Slack_conversation_in_one_turn_let_one_through_and_the_other_waits_for_the_next_second()
    {
        var pacing = new ChatPacing(new ProviderRateLimiter(service.Db));
        var config = Slack();
        var wait = await pacing.WaitAsync(config, To("C0PACED0001"), default, count: 2);
        Assert.NotNull(wait);
        Assert.InRange(wait!.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(2.5));

        Assert.Null(await pacing.WaitAsync(config, To("C0PACED0002"), default));
        Assert.Null(await pacing.WaitAsync(Slack(ProviderKinds.DiscordWebhook), To("C0PACED0001"), default));
    }

    [Fact]
    public async Task Two_tenants_conversations_with_the_same_id_do_not_pace_each_other_and_each_turn_is_kept_under_its_tenant()
    {
        var pacing = new ChatPacing(new ProviderRateLimiter(service.Db));
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        var conversation = "C0SHARED" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();

        Assert.Null(await pacing.WaitAsync(Slack(tenantId: first), To(conversation), default));
        Assert.Null(await pacing.WaitAsync(Slack(tenantId: second), To(conversation), default));

        foreach (var tenant in new[] { first, second })
            Assert.Equal(1L, await service.ScalarAsync<long>("select count(*) from provider_rate_windows where tenant_id = $1", tenant));
    }

    [Fact]
    public void The_pacing_key_is_per_config_and_conversation_and_holds_no_id_in_clear()
    {
        var config = Slack();
        Assert.Equal(ChatPacing.Key(config, "C1"), ChatPacing.Key(config, "C1"));
        Assert.NotEqual(ChatPacing.Key(config, "C1"), ChatPacing.Key(config, "C2"));
        Assert.NotEqual(ChatPacing.Key(config, "C1"), ChatPacing.Key(Slack(), "C1"));
    }
}
