using NotificationService.Tests.Features.Administration.Privacy;
using NotificationService.Tests.Features.People.Preferences;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Agents.Mcp;

/// <summary>`explain_notification` says in words why a notification ended as it did: one spec per reason an agent is asked about.</summary>
[Collection("service")]
public class ExplainTests(ServiceFixture service)
{
    private async Task<string> ExplanationAsync(TestTenant tenant, Guid id)
    {
        await using var client = await McpSession.ConnectAsync(service, tenant.ApiKey);
        var answer = await client.ExplainAsync(id);
        Assert.True(answer["found"]!.GetValue<bool>());
        return answer["explanation"]!.GetValue<string>();
    }

    [Fact]
    public async Task Sent_names_the_provider()
    {
        var tenant = await service.NewTenantAsync("{}", "email");
        var id = await tenant.Http.SendOkAsync(Api.Email());
        await tenant.Http.WaitForStatusAsync(id, "sent");

        Assert.StartsWith("It was sent through sandbox", await ExplanationAsync(tenant, id));
    }

    [Fact]
    public async Task Failed_quotes_the_providers_error()
    {
        var tenant = await service.NewTenantAsync("""{"permanentRate": 1}""", "email");
        var id = await tenant.Http.SendOkAsync(Api.Email());
        var status = await tenant.Http.WaitForStatusAsync(id, "failed");

        var explanation = await ExplanationAsync(tenant, id);
        Assert.StartsWith("It failed after 1 attempt(s) through sandbox; the provider answered: ", explanation);
        Assert.EndsWith(status["lastError"]!.GetValue<string>() + ".", explanation);
    }

    [Fact]
    public async Task Suppressed_names_the_suppression_list()
    {
        var tenant = await service.NewTenantAsync("{}", "email");
        await service.ScalarAsync<object>("insert into suppressions (tenant_id, channel, address, reason) values ($1, 'email', 'bounced@example.com', 'bounce')", tenant.Id);
        var id = await tenant.Http.SendOkAsync(Api.Email("bounced@example.com"));
        await tenant.Http.WaitForStatusAsync(id, "suppressed");

        Assert.StartsWith("It was suppressed: the address is on the tenant's suppression list", await ExplanationAsync(tenant, id));
    }

    [Fact]
    public async Task Opted_out_names_what_the_recipient_turned_off()
    {
        var tenant = await service.NewTenantAsync("{}", "email");
        await tenant.Http.PutPreferencesAsync("ada", new { channels = new { email = false } });
        var id = await tenant.Http.SendOkAsync(PreferencesApi.Email("ada", null));
        await tenant.Http.WaitForStatusAsync(id, "suppressed");

        Assert.StartsWith("It was not sent: the recipient opted out of ", await ExplanationAsync(tenant, id));
    }

    [Fact]
    public async Task Quiet_hours_held_says_until_when()
    {
        var tenant = await service.NewTenantAsync("{}", "email");
        var now = DateTime.UtcNow;
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

        Assert.StartsWith("It is waiting: held by quiet hours until ", await ExplanationAsync(tenant, id));
    }

    [Fact]
    public async Task Skipped_says_the_recipient_has_no_address()
    {
        var tenant = await service.NewTenantAsync("{}", "email");
        var id = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { userId = "nobody-" + Guid.NewGuid().ToString("N")[..6] },
            content = new { subject = "S", body = "B" } });
        await tenant.Http.WaitForStatusAsync(id, "skipped");

        Assert.Equal("It was skipped: the recipient has no email address, so there was nobody to send to.", await ExplanationAsync(tenant, id));
    }

    [Fact]
    public async Task Erased_says_the_recipient_was_erased()
    {
        var tenant = await service.NewTenantAsync("{}", "email");
        await tenant.Http.IdentifyAsync("eve", new { email = "eve@example.com" });
        var id = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { userId = "eve" }, content = new { subject = "S", body = "B" },
            sendAt = DateTimeOffset.UtcNow.AddHours(1) });
        await tenant.Http.WaitErasedAsync(await tenant.Http.EraseAsync("eve"));

        Assert.StartsWith("It was cancelled because the recipient was erased", await ExplanationAsync(tenant, id));
    }
}
