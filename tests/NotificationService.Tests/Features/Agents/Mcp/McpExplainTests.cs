using NotificationService.Tests.Features.Administration.Privacy;
using NotificationService.Tests.Features.People.Preferences;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Agents.Mcp;

/// <summary>`explain_notification` names why a notification is where it is, one spec per reason, read from what the ledger stored.</summary>
[Collection("service")]
public class McpExplainTests(ServiceFixture service)
{
    private static object ByUserId(string userId, DateTimeOffset? sendAt = null) =>
        new { channel = "email", recipient = new { userId }, content = new { subject = "Receipt", body = "Thanks" }, sendAt };

    private async Task<(TestTenant Tenant, ModelContextProtocol.Client.McpClient Agent)> AgentAsync(string sandbox = "{}", string channel = "email")
    {
        var tenant = await service.NewTenantAsync(sandbox, channel);
        return (tenant, await service.McpAsync(tenant.ApiKey));
    }

    [Fact]
    public async Task Sent_names_the_provider_and_its_message_id()
    {
        var (tenant, agent) = await AgentAsync();
        await using var _ = agent;
        var id = await tenant.Http.SendOkAsync(Api.Email());
        await service.Ledger.WaitForAsync(id, "sent");

        var explained = await agent.ExplainAsync(id);
        Assert.Equal("sent", explained["reason"]!.GetValue<string>());
        Assert.StartsWith("Sent through the sandbox provider at ", explained["explanation"]!.GetValue<string>());
        Assert.Contains(explained["providerMessageId"]!.GetValue<string>(), explained["explanation"]!.GetValue<string>());
    }

    [Fact]
    public async Task Failed_after_retries_gives_the_attempts_and_the_providers_error()
    {
        var (tenant, agent) = await AgentAsync("""{"transientRate": 1}""", "sms");
        await using var _ = agent;
        var id = await tenant.Http.SendOkAsync(new { channel = "sms", recipient = new { phone = "+14155550100" }, content = new { body = "x" } });
        await service.Ledger.WaitForAsync(id, "failed", timeout: TimeSpan.FromSeconds(60));

        var explained = await agent.ExplainAsync(id);
        var attempts = explained["attempts"]!.GetValue<int>();
        Assert.True(attempts > 1, $"retried: {attempts} attempts");
        Assert.Equal("failed", explained["reason"]!.GetValue<string>());
        var providerAnswer = explained["providerAnswer"]!.GetValue<string>();
        Assert.Equal($"Failed after {attempts} attempts; the provider's last answer: {providerAnswer}.", explained["explanation"]!.GetValue<string>());
    }

    [Fact]
    public async Task Suppressed_names_the_suppression_list_and_its_reason()
    {
        var (tenant, agent) = await AgentAsync();
        await using var _ = agent;
        await service.ScalarAsync<object>("insert into suppressions (tenant_id, channel, address, reason) values ($1, 'email', 'bounced@example.com', 'bounce')", tenant.Id);
        var id = await tenant.Http.SendOkAsync(Api.Email("bounced@example.com"));
        await service.Ledger.WaitForAsync(id, "suppressed");

        var explained = await agent.ExplainAsync(id);
        Assert.Equal("suppressed", explained["reason"]!.GetValue<string>());
        Assert.Contains("suppression list (bounce", explained["explanation"]!.GetValue<string>());
    }

    [Fact]
    public async Task Opted_out_names_the_preference_that_said_no()
    {
        var (tenant, agent) = await AgentAsync();
        await using var _ = agent;
        await tenant.Http.PutPreferencesAsync("ada", new { channels = new { email = false } });
        var id = await tenant.Http.SendOkAsync(PreferencesApi.Email("ada", null));
        await service.Ledger.WaitForAsync(id, "suppressed");

        var explained = await agent.ExplainAsync(id);
        Assert.Equal("opted_out", explained["reason"]!.GetValue<string>());
        Assert.Contains("opted out of none/email", explained["explanation"]!.GetValue<string>());
    }

    [Fact]
    public async Task Held_by_quiet_hours_says_until_when()
    {
        var (tenant, agent) = await AgentAsync();
        await using var _ = agent;
        var now = DateTime.UtcNow;   // a window that started a minute ago and ends in half an hour, every day (as the preference specs do)
        await tenant.Http.PutPreferencesAsync("cy", new
        {
            quietHours = new
            {
                timeZone = "UTC",
                windows = new[] { new { days = new[] { "sun", "mon", "tue", "wed", "thu", "fri", "sat" },
                    start = now.AddMinutes(-1).ToString("HH:mm:ss"), end = now.AddMinutes(30).ToString("HH:mm:ss") } },
            },
        });
        var id = await tenant.Http.SendOkAsync(PreferencesApi.Email("cy", null, "cy@example.com"));
        await Eventually.Async(async () => (await service.HistoryAsync(id)).Contains("held by quiet hours until "), "the send to be held");

        var explained = await agent.ExplainAsync(id);
        Assert.Equal("held", explained["reason"]!.GetValue<string>());
        Assert.StartsWith("Held by the recipient's quiet hours: quiet hours until ", explained["explanation"]!.GetValue<string>());
    }

    [Fact]
    public async Task Skipped_says_the_recipient_has_no_address_for_the_channel()
    {
        var (tenant, agent) = await AgentAsync();
        await using var _ = agent;
        var id = await tenant.Http.SendOkAsync(ByUserId("ghost"));
        await service.Ledger.WaitForAsync(id, "skipped");

        var explained = await agent.ExplainAsync(id);
        Assert.Equal("no_address", explained["reason"]!.GetValue<string>());
        Assert.Contains("has no email address", explained["explanation"]!.GetValue<string>());
    }

    [Fact]
    public async Task Erased_says_the_person_was_erased_and_shows_no_address()
    {
        var (tenant, agent) = await AgentAsync();
        await using var _ = agent;
        await tenant.Http.IdentifyAsync("eve", new { email = "eve@example.com" });
        var id = await tenant.Http.SendOkAsync(ByUserId("eve", DateTimeOffset.UtcNow.AddHours(1)));   // still waiting when she is erased
        await tenant.Http.WaitErasedAsync(await tenant.Http.EraseAsync("eve"));

        var explained = await agent.ExplainAsync(id);
        Assert.Equal("erased", explained["reason"]!.GetValue<string>());
        Assert.StartsWith("The recipient was erased", explained["explanation"]!.GetValue<string>());
        Assert.DoesNotContain("eve", explained.ToJsonString());
    }
}
