using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Shared;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Automation.Digests;

/// <summary>The throttle step through the service: at most `limit` runs per window per recipient and key pass; the rest end
/// `throttled` with the window's end, or with `"onLimit":"delay"` wait for the next window.</summary>
[Collection("service")]
public class ThrottleStepTests(ServiceFixture service)
{
    private async Task<TestTenant> TenantAsync(string throttle)
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(new { key = "alert", channel = "sms", locale = "en", parts = new { body = "{{alert}} is down" } });
        await tenant.Http.IdentifyAsync("ada", new { phone = "+14155550100" });
        await tenant.Http.PublishWorkflowAsync($$"""
            {"key":"alerts","name":"Alerts","steps":[{{throttle}},{"id":"text","type":"send","channel":"sms","template":"alert"}]}
            """);
        return tenant;
    }

    private static async Task<Guid> AlertAsync(HttpClient http, string alert) =>
        (await http.TriggerAsync("alerts", new { recipients = new[] { "ada" }, data = new { alert } })).Single();

    [Fact]
    public async Task At_most_the_limit_pass_per_window_and_key_and_the_rest_end_throttled_with_the_windows_end()
    {
        var tenant = await TenantAsync("""{"id":"calm","type":"throttle","key":"data.alert","limit":2,"window":"PT1H"}""");
        var disk = new List<Guid>();
        for (var i = 0; i < 5; i++) disk.Add(await AlertAsync(tenant.Http, "disk"));
        var cpu = await AlertAsync(tenant.Http, "cpu");
        var done = new List<System.Text.Json.Nodes.JsonNode>();
        foreach (var run in disk) done.Add(await tenant.Http.WaitForRunAsync(run, "completed"));

        Assert.Equal(2, done.Count(r => r.Sends("text")));
        var end = await service.ScalarAsync<DateTime>("select window_end from throttle_windows where tenant_id = $1 and throttle_key = 'disk'", tenant.Id);
        Assert.InRange(end, DateTime.UtcNow.AddMinutes(55), DateTime.UtcNow.AddMinutes(61));
        foreach (var throttled in done.Where(r => !r.Sends("text")))
        {
            Assert.Equal($"throttled until {end:yyyy-MM-dd'T'HH:mm:ss'Z'}", throttled.Text("reason"));
            Assert.Contains(throttled["timeline"]!.AsArray(), e => e.Text("stepId") == "calm" && e.Text("what") == "throttled");
        }
        Assert.True((await tenant.Http.WaitForRunAsync(cpu, "completed")).Sends("text"));   // another key has its own window
    }

    [Fact]
    public async Task A_new_window_lets_runs_through_again()
    {
        var tenant = await TenantAsync("""{"id":"calm","type":"throttle","limit":1,"window":"PT1H"}""");
        Assert.True((await tenant.Http.WaitForRunAsync(await AlertAsync(tenant.Http, "disk"), "completed")).Sends("text"));
        Assert.False((await tenant.Http.WaitForRunAsync(await AlertAsync(tenant.Http, "disk"), "completed")).Sends("text"));
        await service.ScalarAsync<int>("update throttle_windows set window_end = now() - interval '1 second' where tenant_id = $1", tenant.Id);   // the hour is over
        Assert.True((await tenant.Http.WaitForRunAsync(await AlertAsync(tenant.Http, "disk"), "completed")).Sends("text"));
    }

    [Fact]
    public async Task With_onLimit_delay_a_run_over_the_limit_waits_for_the_next_window_and_then_passes()
    {
        var tenant = await TenantAsync("""{"id":"calm","type":"throttle","limit":1,"window":"PT1H","onLimit":"delay"}""");
        Assert.True((await tenant.Http.WaitForRunAsync(await AlertAsync(tenant.Http, "disk"), "completed")).Sends("text"));
        var later = await AlertAsync(tenant.Http, "disk");
        var delayed = await Eventually.Async(() => tenant.Http.RunAsync(later), r => r["steps"]!.AsArray().Any(s => s.Text("stepId") == "calm" && s.Text("state") == "delayed"),
            "the run to wait for the window");
        Assert.Equal("running", delayed.Text("state"));
        var end = await service.ScalarAsync<DateTime>("select window_end from throttle_windows where tenant_id = $1", tenant.Id);
        Assert.Equal(end, await service.ScalarAsync<DateTime>("select run_at from jobs where args->>'r' = $1 and args->>'k' = 'timer'", later.ToString()));

        await service.ScalarAsync<int>("update throttle_windows set window_end = now() - interval '1 second' where tenant_id = $1", tenant.Id);
        await service.MakeDueAsync(later, "timer");
        Assert.True((await tenant.Http.WaitForRunAsync(later, "completed")).Sends("text"));
    }
}
