using NotificationService.Channels.Chat;

namespace NotificationService.Channels.Tests.Chat;

public sealed class ChatUrlsTests
{
    [Theory]
    [InlineData(ProviderKinds.SlackWebhook, ChatTestSupport.SlackHook)]
    [InlineData(ProviderKinds.DiscordWebhook, ChatTestSupport.DiscordHook)]
    [InlineData(ProviderKinds.DiscordWebhook, "https://discordapp.com/api/v10/webhooks/1/abc")]
    [InlineData(ProviderKinds.TeamsWebhook, ChatTestSupport.TeamsHook)]
    [InlineData(ProviderKinds.TeamsWebhook, "https://default0123.ab.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/x/triggers/manual/paths/invoke")]
    public void The_platforms_own_hosts_are_accepted(string kind, string url) => Assert.Null(ChatUrls.Problem(kind, url));

    [Theory]
    [InlineData(ProviderKinds.DiscordWebhook, "https://evil.example/api/webhooks/1/abc")]
    [InlineData(ProviderKinds.DiscordWebhook, "http://discord.com/api/webhooks/1/abc")]
    [InlineData(ProviderKinds.DiscordWebhook, "https://discord.com.evil.example/api/webhooks/1/abc")]
    [InlineData(ProviderKinds.DiscordWebhook, "https://discord.com:8443/api/webhooks/1/abc")]
    [InlineData(ProviderKinds.DiscordWebhook, "https://10.0.0.5/api/webhooks/1/abc")]
    [InlineData(ProviderKinds.SlackWebhook, "https://127.0.0.1/services/T/B/X")]
    [InlineData(ProviderKinds.SlackWebhook, "https://hooks.slack.com.evil.example/services/T/B/X")]
    [InlineData(ProviderKinds.TeamsWebhook, "https://logic.azure.com.evil.example/workflows")]
    [InlineData(ProviderKinds.TeamsWebhook, "https://[::ffff:127.0.0.1]/workflows")]
    public void Another_host_a_private_address_or_plain_http_is_refused(string kind, string url) => Assert.NotNull(ChatUrls.Problem(kind, url));

    [Fact]
    public void A_provider_config_is_refused_at_save_with_a_foreign_webhook_url_and_the_url_is_not_echoed()
    {
        var errors = ProviderSettingsValidator.Validate(ProviderKinds.DiscordWebhook, ChannelNames.Chat, [],
            new Dictionary<string, string> { ["webhookUrl"] = "https://169.254.169.254/api/webhooks/1/secret-token" });
        var message = Assert.Single(errors["secrets.webhookUrl"]);
        Assert.DoesNotContain("secret-token", message);
        Assert.Empty(ProviderSettingsValidator.Validate(ProviderKinds.Slack, ChannelNames.Chat, [], new Dictionary<string, string> { ["botToken"] = "xoxb-1" }));
        Assert.Contains("secrets.botToken", ProviderSettingsValidator.Validate(ProviderKinds.Slack, ChannelNames.Chat, [], null).Keys);
        Assert.Contains("channel", ProviderSettingsValidator.Validate(ProviderKinds.Slack, ChannelNames.Email, [], new Dictionary<string, string> { ["botToken"] = "x" }).Keys);
    }
}
