using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Sending.Providers;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Shared;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Automation.Workflows;

/// <summary>
/// The escalation example with real provider adapters: the email goes to a loopback SendGrid double and the SMS to a
/// loopback Twilio double, each answering in its provider's wire format. What decides the run's path is what the adapter
/// makes of the provider's answer (a 400 is permanent), not a sandbox setting.
/// </summary>
[Collection("service")]
public class EscalationProviderDoubleTests(ServiceFixture service)
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";

    private static Func<RecordedRequest, Microsoft.AspNetCore.Http.HttpContext, Task> TwilioCreated =>
        LoopbackServer.Respond(201, """{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued"}""");

    private async Task<(TestTenant Tenant, Guid Run)> StartAsync(LoopbackServer sendGrid, LoopbackServer twilio)
    {
        var tenant = await service.BareTenantAsync();
        await ProviderApi.CreateAsync(tenant.Http, ProviderApi.SendGrid(sendGrid.BaseUrl, "SendGrid double"));
        await ProviderApi.CreateAsync(tenant.Http, new
        {
            channel = "sms", kind = "twilio_sms", name = "Twilio double",
            settings = new { baseUrl = twilio.BaseUrl, accountSid = AccountSid, from = "+14155550199" },
            secrets = new { authToken = "twilio-auth-token-secret" },
        });
        await tenant.Http.IdentifyAsync("ada", new { email = "ada@example.com", phone = "+14155550100", name = "Ada" });
        await tenant.Http.AddEscalationTemplatesAsync();
        await tenant.Http.PublishWorkflowAsync(WorkflowApi.Escalation);
        var run = (await tenant.Http.TriggerAsync("order-update", new { recipients = new[] { "ada" }, data = new { orderId = "1234" } })).Single();
        // Not read within the 30 minutes: the timeout is made due (virtual time), so the email step runs.
        await tenant.Http.WaitForWaitAsync(run, "wait-read");
        await service.MakeDueAsync(run, "timeout");
        return (tenant, run);
    }

    [Fact]
    public async Task A_permanent_SendGrid_refusal_fails_the_email_and_the_sms_goes_out_through_Twilio()
    {
        await using var sendGrid = await LoopbackProvider.StartAsync(LoopbackProvider.SendGridError(400));
        await using var twilio = await LoopbackProvider.StartAsync(TwilioCreated);
        var (tenant, run) = await StartAsync(sendGrid, twilio);

        var done = await tenant.Http.WaitForRunAsync(run, "completed");
        var mail = done.Sent()["mail"].Single();
        var sms = done.Sent()["text"].Single();
        await service.Ledger.WaitForAsync(mail, "failed");
        await service.Ledger.WaitForAsync(sms, "sent");

        // One try at SendGrid (a 400 is not retried), with the profile's address; then Twilio's Messages API with its phone.
        var email = JsonNode.Parse(Assert.Single(sendGrid.Requests).Body)!;
        Assert.Equal("ada@example.com", email["personalizations"]![0]!["to"]![0]!["email"]!.GetValue<string>());
        var text = Assert.Single(twilio.Requests);
        Assert.Equal($"/2010-04-01/Accounts/{AccountSid}/Messages.json", text.Path);
        Assert.Equal("+14155550100", text.Form["To"]);
        Assert.Equal("Order 1234 shipped.", text.Form["Body"]);
    }

    [Fact]
    public async Task An_email_SendGrid_accepts_ends_the_wait_by_timeout_and_nothing_reaches_Twilio()
    {
        await using var sendGrid = await LoopbackProvider.StartAsync(LoopbackProvider.SendGridAccepts);
        await using var twilio = await LoopbackProvider.StartAsync(TwilioCreated);
        var (tenant, run) = await StartAsync(sendGrid, twilio);

        var waiting = await tenant.Http.WaitForWaitAsync(run, "wait-mail");
        await service.Ledger.WaitForAsync(waiting.Sent()["mail"].Single(), "sent");
        await service.MakeDueAsync(run, "timeout");
        var done = await tenant.Http.WaitForRunAsync(run, "completed");

        Assert.Empty(done.Sent().GetValueOrDefault("text") ?? []);
        Assert.Single(sendGrid.Requests);
        Assert.Empty(twilio.Requests);
    }
}
