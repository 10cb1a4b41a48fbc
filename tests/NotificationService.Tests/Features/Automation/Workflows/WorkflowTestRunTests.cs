using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Features.Operations.Analytics;
using NotificationService.Features.Sending.Delivery;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Hosting;
using NotificationService.Tests.Features.Administration.Members;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Providers;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Shared;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Automation.Workflows;

/// <summary>
/// `POST /api/v1/admin/workflows/{key}/test-runs`: one run of the latest saved version (a draft included) for a test user,
/// flagged as a test, its sends taken to the sandbox whatever provider the tenant has, its delays shortened by the test
/// factor; bad input is a 400 naming the field, another tenant's workflow a 404, a viewer refused.
/// </summary>
[Collection("service")]
public class WorkflowTestRunTests(ServiceFixture service)
{
    private const string TestRuns = "test-runs";

    private static string Mail(string template) =>
        $$"""{"key":"receipt","name":"Receipt","steps":[{"id":"mail","type":"send","channel":"email","template":"{{template}}"}]}""";

    [Fact]
    public async Task A_test_run_sends_the_draft_through_the_sandbox_while_a_real_trigger_reaches_the_tenants_SendGrid()
    {
        await using var sendGrid = await LoopbackProvider.StartAsync(LoopbackProvider.SendGridAccepts);
        var tenant = await service.BareTenantAsync();
        await ProviderApi.CreateAsync(tenant.Http, ProviderApi.SendGrid(sendGrid.BaseUrl, "SendGrid double"));
        await tenant.Http.IdentifyAsync("ada", new { email = "ada@example.com" });
        await tenant.Http.CreateTemplateAsync(new { key = "published", channel = "email", locale = "en", parts = new { subject = "Published {{orderId}}", text = "p" } });
        await tenant.Http.CreateTemplateAsync(new { key = "drafted", channel = "email", locale = "en", parts = new { subject = "Draft {{orderId}}", text = "d" } });
        await tenant.Http.PublishWorkflowAsync(Mail("published"));
        await TemplateApi.ExpectAsync(await tenant.Http.PutAsync($"{WorkflowApi.Admin}/receipt", WorkflowApi.Json(Mail("drafted"))), 200);

        var started = await TemplateApi.ExpectAsync(
            await tenant.Http.PostJsonAsync($"{WorkflowApi.Admin}/receipt/{TestRuns}", new { userId = "ada", data = new { orderId = "7" } }), 202);
        Assert.Equal(2, started["version"]!.GetValue<int>());
        var run = Guid.Parse(started.Text("runId")!);
        var done = await tenant.Http.WaitForRunAsync(run, "completed");
        Assert.True(done["testRun"]!.GetValue<bool>());
        Assert.Equal(1L, await service.ScalarAsync<long>(
            "select count(*) from audit_log where tenant_id = $1 and action = 'workflow.test_run' and target_id = 'receipt'", tenant.Id));
        Assert.Equal(2, done["version"]!.GetValue<int>());
        var mail = done.Sent()["mail"].Single();
        await service.Ledger.WaitForAsync(mail, "sent");
        var recorded = await service.ScalarAsync<string>("select content::text from sandbox_messages where tenant_id = $1 and notification_id = $2", tenant.Id, mail);
        Assert.Contains("Draft 7", recorded);
        var notification = await tenant.Http.GetJsonAsync($"/api/v1/services/notifications/{mail}");
        Assert.Equal("true", notification["metadata"]![SendValidator.TestRunMetadata]!.GetValue<string>());

        // The tenant's SendGrid is live: a real trigger of the published version reaches it, and only that one did.
        var real = (await tenant.Http.TriggerAsync("receipt", new { recipients = new[] { "ada" }, data = new { orderId = "8" } })).Single();
        var realMail = (await tenant.Http.WaitForRunAsync(real, "completed")).Sent()["mail"].Single();
        await service.Ledger.WaitForAsync(realMail, "sent");
        Assert.Contains("Published 8", Assert.Single(sendGrid.Requests).Body);
        var listed = (await tenant.Http.GetJsonAsync($"{WorkflowApi.Services}/runs"))["items"]!.AsArray();
        Assert.Equal([(real, false), (run, true)], listed.Select(r => (Guid.Parse(r!.Text("id")!), r["testRun"]!.GetValue<bool>())));

        // Delivery analytics count what reached the tenant's recipients: the real run's email, not the test run's.
        await service.Factory.Services.GetRequiredService<AnalyticsFlusher>().FlushAsync(default);
        var receipt = (await tenant.Http.GetJsonAsync("/api/v1/admin/analytics?groupBy=workflow"))["groups"]!.AsArray()
            .Single(g => g!.Text("key") == "receipt")!;
        Assert.Equal((1L, 1L), (receipt["accepted"]!.GetValue<long>(), receipt["sent"]!.GetValue<long>()));
    }

    [Fact]
    public async Task A_test_runs_delay_is_shortened_by_the_test_factor_and_a_real_runs_is_not()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.PublishWorkflowAsync("""{"key":"later","name":"Later","steps":[{"id":"hour","type":"delay","for":"PT1H"}]}""");

        var before = DateTimeOffset.UtcNow;
        var started = await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync($"{WorkflowApi.Admin}/later/{TestRuns}", new { userId = "ada" }), 202);
        var test = Guid.Parse(started.Text("runId")!);
        var real = (await tenant.Http.TriggerAsync("later", new { recipients = new[] { "ada" } })).Single();
        await DelayedAsync(tenant, test);
        await DelayedAsync(tenant, real);
        var after = DateTimeOffset.UtcNow;

        // An hour at the default factor (1/60) is a minute from the moment the run reached its delay.
        var testDue = await DueAsync(tenant.Id, test);
        Assert.InRange(testDue, before.AddMinutes(1).AddSeconds(-1), after.AddMinutes(1).AddSeconds(1));
        Assert.InRange(await DueAsync(tenant.Id, real), before.AddHours(1).AddSeconds(-1), after.AddHours(1).AddSeconds(1));
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_the_field_another_tenants_workflow_a_404_a_viewer_a_403_and_none_starts_a_run()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.PostAsync(WorkflowApi.Admin, WorkflowApi.Json("""{"key":"draft","name":"Draft","steps":[{"id":"x","type":"exit","reason":"done"}]}"""));
        var url = $"{WorkflowApi.Admin}/draft/{TestRuns}";

        foreach (var (body, field) in new (object Body, string Field)[]
                 {
                     (new { data = new { a = 1 } }, "userId"),
                     (new { userId = new string('u', 300) }, "userId"),
                     (new { userId = "ada", data = new[] { 1, 2 } }, "data"),
                     (new { userId = "ada", recipients = new[] { "bob" } }, "recipients"),
                     (new { userId = "ada", version = 0 }, "version"),
                 })
        {
            var refused = await tenant.Http.PostJsonAsync(url, body);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal([field], (await refused.JsonAsync()).ErrorKeys());
        }
        var missingVersion = await tenant.Http.PostJsonAsync(url, new { userId = "ada", version = 9 });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missingVersion.StatusCode);
        Assert.Equal(["version"], (await missingVersion.JsonAsync()).ErrorKeys());

        var other = await service.NewTenantAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.PostJsonAsync(url, new { userId = "ada" })).StatusCode);
        var (_, viewer) = await TeamMembers.WithTokenAsync(service, tenant.Id, "viewer");
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostJsonAsync(url, new { userId = "ada" })).StatusCode);
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from workflow_runs where tenant_id = $1 or tenant_id = $2", tenant.Id, other.Id));

        // The draft was never published, and an editor may test-run it.
        var (_, editor) = await TeamMembers.WithTokenAsync(service, tenant.Id, "editor");
        var started = await TemplateApi.ExpectAsync(await editor.PostJsonAsync(url, new { userId = "ada" }), 202);
        Assert.Equal("completed", (await tenant.Http.WaitForRunAsync(Guid.Parse(started.Text("runId")!), "completed")).Text("state"));
    }

    [Theory]
    [InlineData(null, 1.0 / 60)]
    [InlineData("1", 1.0)]
    [InlineData("0.0000115741", 0.0000115741)]   // a day in a second: the floor
    public void The_test_factor_defaults_to_a_sixtieth_and_may_go_down_to_a_day_in_a_second(string? setting, double scale) =>
        Assert.Equal(scale, WorkflowOptions.From(Settings(setting)).TestRunScale, 9);

    [Theory]
    [InlineData("0")]
    [InlineData("0.00001")]
    [InlineData("1.5")]
    public void A_test_factor_below_the_floor_or_above_one_is_refused_at_start(string setting) =>
        Assert.Contains("Workflows:TestRunScale", Assert.Throws<InvalidConfigurationException>(() => WorkflowOptions.From(Settings(setting))).Message);

    private static IConfiguration Settings(string? testRunScale) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Workflows:TestRunScale"] = testRunScale }).Build();

    private static Task<JsonNode> DelayedAsync(TestTenant tenant, Guid runId) =>
        Eventually.Async(() => tenant.Http.RunAsync(runId), r => r["timeline"]!.AsArray().LastOrDefault()?.Text("what") == "delayed", $"run {runId} to delay");

    private async Task<DateTimeOffset> DueAsync(Guid tenantId, Guid runId) =>
        (await service.ScalarAsync<DateTime>(
            "select j.run_at from workflow_runs r join jobs j on j.id = r.due_job_id where r.tenant_id = $1 and r.id = $2", tenantId, runId)).ToUniversalTime();
}
