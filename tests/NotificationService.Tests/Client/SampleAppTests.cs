using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NotificationService.Client.Webhooks;
using NotificationService.Sample;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.Sending.Templates;

namespace NotificationService.Tests.Client;

/// <summary>
/// The sample app against the service: a sign-up identifies the user and triggers the welcome workflow, and the
/// service's status webhooks come back to the sample's endpoint, verified, as typed events.
/// </summary>
[Collection("client-service")]
public class SampleAppTests(ClientServiceFixture service)
{
    [Fact]
    public async Task A_sign_up_triggers_the_welcome_workflow_and_its_status_webhooks_arrive_verified()
    {
        var tenant = await service.NewRealTenantAsync("email");
        await tenant.Http.CreateTemplateAsync(new { key = "welcome-email", channel = "email", locale = "en", parts = new { subject = "Welcome {{name}}", text = "Hi" } });
        await tenant.Http.PublishWorkflowAsync("""{"key":"welcome","name":"Welcome","steps":[{"id":"mail","type":"send","channel":"email","template":"welcome-email"}]}""");
        // The endpoint exists before the app (its secret is the app's setting), then points at the app once it listens.
        var (hookId, secret) = await ClientServiceFixture.AddWebhookAsync(tenant, "http://127.0.0.1:9/not-yet", "notification.sent", "workflow.run.completed");

        await using var app = SampleApp.Build([], b =>
        {
            b.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            b.Logging.ClearProviders();
            b.Configuration["Notifications:BaseAddress"] = service.BaseAddress.ToString();
            b.Configuration["Notifications:ApiKey"] = tenant.ApiKey;
            b.Configuration["Notifications:WebhookSecret"] = secret;
        });
        await app.StartAsync();
        var appUrl = app.Urls.First();
        var moved = await tenant.Http.PatchAsJsonAsync($"/api/v1/admin/webhooks/{hookId}", new { url = appUrl + "/hooks/notifications" });
        Assert.True(moved.IsSuccessStatusCode, await moved.Content.ReadAsStringAsync());

        using var browser = new HttpClient { BaseAddress = new Uri(appUrl) };
        var signUp = await browser.PostAsJsonAsync("/signup", new { userId = "sample-1", email = "ada@example.com", name = "Ada" });
        Assert.True(signUp.IsSuccessStatusCode, await signUp.Content.ReadAsStringAsync());
        var runId = Guid.Parse(JsonNode.Parse(await signUp.Content.ReadAsStringAsync())!["runId"]!.GetValue<string>());

        var received = app.Services.GetRequiredService<ReceivedEvents>();
        await Eventually.Async(() => received.All.Count >= 2, "the sent and run-completed webhooks at the sample");
        var sent = Assert.IsType<NotificationStatusEvent>(Assert.Single(received.All, e => e.Type == "notification.sent"));
        var ended = Assert.IsType<WorkflowRunEndedEvent>(Assert.Single(received.All, e => e.Type == "workflow.run.completed"));
        Assert.Equal((runId, "sample-1", "completed"), (ended.Run.RunId, ended.Run.UserId, ended.Run.State));
        Assert.Equal(new[] { sent.NotificationId }, (await tenant.Http.RunAsync(runId)).Sent()["mail"]);   // the welcome's own email
    }
}
