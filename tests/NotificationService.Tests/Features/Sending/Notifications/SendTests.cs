using System.Net;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Notifications;

[Collection("service")]
public class SendTests(ServiceFixture service)
{
    [Fact]
    public async Task An_email_is_accepted_delivered_through_the_sandbox_and_its_history_is_recorded()
    {
        var tenant = await service.NewTenantAsync();
        var response = await tenant.Http.PostJsonAsync(Api.Send, Api.Email());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.JsonAsync();
        var id = Guid.Parse(accepted["id"]!.GetValue<string>());
        Assert.Equal("queued", accepted["status"]!.GetValue<string>());
        Assert.Equal($"/api/v1/services/notifications/{id}", accepted["statusUrl"]!.GetValue<string>());

        var status = await tenant.Http.WaitForStatusAsync(id, "sent");
        Assert.Equal(["accepted", "queued", "sending", "sent"], status["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()));
        Assert.Equal("sandbox", status["provider"]!.GetValue<string>());
        Assert.StartsWith("sbx_", status["providerMessageId"]!.GetValue<string>());
        Assert.Equal(1, status["attempts"]!.GetValue<int>());

        var recorded = await service.ScalarAsync<string>("select content->>'subject' from sandbox_messages where notification_id = $1", id);
        Assert.Equal("Hi Ada", recorded);
    }

    [Fact]
    public async Task Several_channels_make_one_notification_each()
    {
        var tenant = await service.NewTenantAsync();
        var response = await tenant.Http.PostJsonAsync(Api.Send, new
        {
            channels = new[] { "email", "sms", "in_app" },
            recipient = new { email = "ada@example.com", phone = "+14155550100", userId = "user-1" },
            content = new { subject = "Order", body = "Your order shipped" },
        });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var list = (await response.JsonAsync()).AsArray();
        Assert.Equal(["email", "sms", "in_app"], list.Select(n => n!["channel"]!.GetValue<string>()));
        foreach (var n in list) await tenant.Http.WaitForStatusAsync(Guid.Parse(n!["id"]!.GetValue<string>()), "sent");
    }

    [Fact]
    public async Task In_app_writes_the_inbox_row_and_counts_it_unread()
    {
        var tenant = await service.NewTenantAsync();
        var id = await tenant.Http.SendOkAsync(new { channel = "in_app", recipient = new { userId = "u-42" }, content = new { subject = "Welcome", body = "Hi {{name}}" }, data = new { name = "Bo" } });
        await tenant.Http.WaitForStatusAsync(id, "sent");

        Assert.Equal("Hi Bo", await service.ScalarAsync<string>("select body from inbox_items where notification_id = $1", id));
        Assert.Equal(1, await service.ScalarAsync<int>("select unread from inbox_counters where tenant_id = $1 and user_id = 'u-42'", tenant.Id));
    }

    [Fact]
    public async Task A_seeded_template_renders_with_the_data_and_pins_the_version()
    {
        var demo = service.Client(ServiceFixture.DemoApiKey);
        var id = await demo.SendOkAsync(new
        {
            channel = "email", recipient = new { email = "ada@example.com" }, template = "welcome", locale = "fr-CA",
            data = new { appName = "Acme", user = new { firstName = "Ada" } },
        });
        var status = await demo.WaitForStatusAsync(id, "sent");

        Assert.Equal("fr", status["locale"]!.GetValue<string>()); // fr-CA falls back to fr
        Assert.Equal("Bienvenue sur Acme, Ada !", await service.ScalarAsync<string>("select content->>'subject' from sandbox_messages where notification_id = $1", id));
        Assert.NotNull(await service.ScalarAsync<Guid?>("select template_version_id from notifications where id = $1", id));
    }

    [Fact]
    public async Task A_scheduled_send_waits_for_its_time()
    {
        var tenant = await service.NewTenantAsync();
        var sendAt = DateTimeOffset.UtcNow.AddSeconds(2);
        var id = await tenant.Http.SendOkAsync(new { channel = "sms", recipient = new { phone = "+14155550100" }, content = new { body = "later" }, sendAt });

        // No worker touched it before its time: the ledger's first move after acceptance came at sendAt or later.
        var claimed = await service.Ledger.WaitForAsync(id, "sending", timeout: TimeSpan.FromSeconds(10));
        Assert.True(claimed.At >= sendAt.AddMilliseconds(-50), $"claimed at {claimed.At:O}, due {sendAt:O}");
        var sent = await tenant.Http.WaitForStatusAsync(id, "sent", 10_000);
        Assert.True(DateTimeOffset.Parse(sent["sentAt"]!.GetValue<string>()) >= sendAt.AddMilliseconds(-50));
    }
}
