using System.Text.Json.Nodes;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Automation.Workflows;

/// <summary>
/// The escalation example through the real send path: in_app, wait 30 minutes for a read, else email, and if the
/// email ends failed or skipped, SMS. Loopback sandbox providers; the 30 minutes and the hour pass by making the due job
/// due (virtual time), and reads come through the inbox API as a user's app would send them.
/// </summary>
[Collection("service")]
public class EscalationTests(ServiceFixture service)
{
    private async Task<(TestTenant Tenant, Guid Run)> StartAsync(string emailSandbox = "{}", object? profile = null)
    {
        var tenant = await service.NewTenantAsync(null);
        await service.AddProviderAsync(tenant.Id, "email", "sandbox", emailSandbox);
        await service.AddProviderAsync(tenant.Id, "sms", "sandbox", "{}");
        await tenant.Http.IdentifyAsync("ada", profile ?? new { email = "ada@example.com", phone = "+14155550100", name = "Ada" });
        await tenant.Http.AddEscalationTemplatesAsync();
        await tenant.Http.PublishWorkflowAsync(WorkflowApi.Escalation);
        var run = (await tenant.Http.TriggerAsync("order-update", new { recipients = new[] { "ada" }, data = new { orderId = "1234" } })).Single();
        return (tenant, run);
    }

    [Fact]
    public async Task Read_in_time_sends_no_email()
    {
        var (tenant, run) = await StartAsync();
        var waiting = await tenant.Http.WaitForWaitAsync(run, "wait-read");
        var inbox = waiting.Sent()["inbox"].Single();
        await service.Ledger.WaitForAsync(inbox, "sent");   // in the inbox
        var token = await tenant.TokenAsync("ada");
        using var user = service.Factory.CreateClient();
        user.DefaultRequestHeaders.Authorization = new("Bearer", token);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await user.PostAsync($"/api/v1/users/me/notifications/{inbox}/read", null)).StatusCode);

        var done = await tenant.Http.WaitForRunAsync(run, "completed");
        Assert.Equal(["inbox"], done.Sent().Where(s => s.Value.Length > 0).Select(s => s.Key));
        Assert.Contains(done["timeline"]!.AsArray(), e => e.Text("stepId") == "wait-read" && e.Text("what") == "woken" && e.Text("detail") == "status read");
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1 and channel = 'email'", tenant.Id));
        // The timeout job that was waiting for 30 minutes is gone or does nothing: the run stays completed once it is made due.
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from jobs where tenant_id = $1 and kind = 'workflow-step' and state = 'ready'", tenant.Id)
            - await service.ScalarAsync<long>("select count(*) from jobs where tenant_id = $1 and kind = 'workflow-step' and state = 'ready' and args->>'k' = 'timeout'", tenant.Id));
    }

    [Fact]
    public async Task Not_read_sends_the_email_and_a_delivered_email_sends_no_sms()
    {
        var (tenant, run) = await StartAsync();
        await tenant.Http.WaitForWaitAsync(run, "wait-read");
        await service.MakeDueAsync(run, "timeout");
        var waiting = await tenant.Http.WaitForWaitAsync(run, "wait-mail");
        var mail = waiting.Sent()["mail"].Single();
        await service.Ledger.WaitForAsync(mail, "sent");
        await service.MakeDueAsync(run, "timeout");
        var done = await tenant.Http.WaitForRunAsync(run, "completed");
        Assert.Empty(done.Sent().GetValueOrDefault("text") ?? []);
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1 and channel = 'sms'", tenant.Id));
        Assert.Equal("order-update-email", await service.ScalarAsync<string>("select template_key from notifications where id = $1", mail));
    }

    [Fact]
    public async Task An_email_the_provider_refuses_permanently_sends_the_sms()
    {
        var (tenant, run) = await StartAsync(emailSandbox: """{"permanentRate":1}""");
        await tenant.Http.WaitForWaitAsync(run, "wait-read");
        await service.MakeDueAsync(run, "timeout");
        var done = await tenant.Http.WaitForRunAsync(run, "completed");
        var sent = done.Sent();
        await service.Ledger.WaitForAsync(sent["mail"].Single(), "failed");
        var sms = sent["text"].Single();
        await service.Ledger.WaitForAsync(sms, "sent");
        // Woken by the ledger's `failed`, or (when the provider answered before the wait was registered) at registration.
        Assert.Contains(done["timeline"]!.AsArray(), e => e.Text("stepId") == "wait-mail" && e.Text("what") == "woken" && e.Text("detail")!.StartsWith("status failed"));
        Assert.Equal("+14155550100", JsonNode.Parse((await service.ScalarAsync<string>("select recipient::text from sandbox_messages where notification_id = $1", sms))!)!.Text("phone"));
    }

    [Fact]
    public async Task An_email_with_no_address_ends_skipped_and_sends_the_sms()
    {
        var (tenant, run) = await StartAsync(profile: new { phone = "+14155550100" });
        await tenant.Http.WaitForWaitAsync(run, "wait-read");
        await service.MakeDueAsync(run, "timeout");
        var done = await tenant.Http.WaitForRunAsync(run, "completed");
        await service.Ledger.WaitForAsync(done.Sent()["mail"].Single(), "skipped");
        await service.Ledger.WaitForAsync(done.Sent()["text"].Single(), "sent");
    }

    [Fact]
    public async Task A_gold_recipient_also_gets_the_thanks_of_the_branch()
    {
        var (tenant, run) = await StartAsync(profile: new { email = "ada@example.com", name = "Ada", data = new { tier = "gold" } });
        var waiting = await tenant.Http.WaitForWaitAsync(run, "wait-read");
        await service.MakeDueAsync(run, "timeout");
        await tenant.Http.WaitForWaitAsync(run, "wait-mail");
        await service.MakeDueAsync(run, "timeout");
        var done = await tenant.Http.WaitForRunAsync(run, "completed");
        var thanks = done.Sent()["thanks"].Single();
        await service.Ledger.WaitForAsync(thanks, "sent");
        Assert.Contains("Thank you, Ada.", await service.ScalarAsync<string>("select content::text from sandbox_messages where notification_id = $1", thanks));
        _ = waiting;
    }
}
