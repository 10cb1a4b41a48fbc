using System.Net;
using System.Text.Json.Nodes;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Features.Sending.Webhooks;
using NotificationService.Tests.Shared;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Automation.Workflows;

/// <summary>Each step kind through the service: send, delay (for, untilLocalTime), branch, `when`, waitFor an event, exit;
/// and the `workflow.run.*` webhooks.</summary>
[Collection("service")]
public class WorkflowStepTests(ServiceFixture service)
{
    private async Task<TestTenant> TenantAsync()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(new { key = "note", channel = "email", locale = "en", parts = new { subject = "Note", text = "{{msg}}" } });
        await tenant.Http.CreateTemplateAsync(new { key = "note", channel = "sms", locale = "en", parts = new { body = "{{msg}}" } });
        await tenant.Http.IdentifyAsync("ada", new { email = "ada@example.com", phone = "+14155550100", timezone = "Pacific/Kiritimati" });
        return tenant;
    }

    private static string Flow(string steps) => $$"""{"key":"flow","name":"Flow","steps":[{{steps}}]}""";

    [Fact]
    public async Task A_send_step_goes_through_the_send_path_with_the_runs_data_and_its_overrides_and_names_its_run()
    {
        var tenant = await TenantAsync();
        await tenant.Http.PublishWorkflowAsync(Flow("""{"id":"a","type":"send","channels":["email","sms"],"template":"note","data":{"msg":"overridden"}}"""));
        var run = (await tenant.Http.TriggerAsync("flow", new { recipients = new[] { "ada" }, data = new { msg = "hello" } })).Single();
        var done = await tenant.Http.WaitForRunAsync(run, "completed");
        var ids = done.Sent()["a"];
        Assert.Equal(2, ids.Length);
        foreach (var id in ids)
        {
            var n = await tenant.Http.WaitForStatusAsync(id, "sent");
            Assert.Equal(run.ToString(), n["metadata"]!.Text("workflowRun"));
            Assert.Equal("a", n["metadata"]!.Text("workflowStep"));
        }
        Assert.Contains("overridden", await service.ScalarAsync<string>("select string_agg(content::text, '') from sandbox_messages where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task A_delay_for_a_duration_holds_the_run_until_its_job_is_due()
    {
        var tenant = await TenantAsync();
        await tenant.Http.PublishWorkflowAsync(Flow("""{"id":"d","type":"delay","for":"PT2H"},{"id":"a","type":"send","channel":"email","template":"note"}"""));
        var run = (await tenant.Http.TriggerAsync("flow", new { recipients = new[] { "ada" }, data = new { msg = "later" } })).Single();
        var delayed = await Eventually.Async(() => tenant.Http.RunAsync(run), r => r["steps"]!.AsArray().Any(s => s.Text("state") == "delayed"), "the delay");
        Assert.Equal("running", delayed.Text("state"));
        Assert.Empty(delayed.Sent().GetValueOrDefault("a") ?? []);
        var due = await service.ScalarAsync<DateTime>("select run_at from jobs where args->>'r' = $1 and args->>'k' = 'timer'", run.ToString());
        Assert.InRange(due, DateTime.UtcNow.AddMinutes(119), DateTime.UtcNow.AddMinutes(121));

        await service.MakeDueAsync(run, "timer");
        var done = await tenant.Http.WaitForRunAsync(run, "completed");
        Assert.Single(done.Sent()["a"]);
    }

    [Fact]
    public async Task A_delay_until_a_date_in_data_is_due_then_and_an_exit_ends_the_run_before_later_steps()
    {
        var tenant = await TenantAsync();
        await tenant.Http.PublishWorkflowAsync(Flow("""
            {"id":"d","type":"delay","until":"data.dueAt"},{"id":"x","type":"exit","reason":"paid already"},
            {"id":"a","type":"send","channel":"email","template":"note"}
            """));
        var dueAt = DateTimeOffset.UtcNow.AddDays(3).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        var run = (await tenant.Http.TriggerAsync("flow", new { recipients = new[] { "ada" }, data = new { msg = "m", dueAt } })).Single();
        await Eventually.Async(() => tenant.Http.RunAsync(run), r => r["steps"]!.AsArray().Any(s => s.Text("state") == "delayed"), "the delay");
        var due = await service.ScalarAsync<DateTime>("select run_at from jobs where args->>'r' = $1 and args->>'k' = 'timer'", run.ToString());
        Assert.Equal(DateTime.Parse(dueAt, null, System.Globalization.DateTimeStyles.AdjustToUniversal), due);

        await service.MakeDueAsync(run, "timer");
        var done = await tenant.Http.WaitForRunAsync(run, "completed");
        Assert.Equal("paid already", done.Text("reason"));
        Assert.Contains(done["timeline"]!.AsArray(), e => e.Text("stepId") == "x" && e.Text("what") == "exited");
        Assert.DoesNotContain(done["steps"]!.AsArray(), s => s.Text("stepId") == "a");
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from notifications where tenant_id = $1", tenant.Id));
    }

    [Fact]
    public async Task A_delay_until_local_time_follows_the_recipients_time_zone()
    {
        var tenant = await TenantAsync();
        await tenant.Http.PublishWorkflowAsync(Flow("""{"id":"d","type":"delay","untilLocalTime":"09:00"}"""));
        var run = (await tenant.Http.TriggerAsync("flow", new { recipients = new[] { "ada" } })).Single();
        var delayed = await Eventually.Async(() => tenant.Http.RunAsync(run), r => r["steps"]!.AsArray().Any(s => s.Text("state") == "delayed"), "the delay");
        Assert.Contains("09:00 in Pacific/Kiritimati", delayed["steps"]![0]!.Text("detail"));
        var due = await service.ScalarAsync<DateTime>("select run_at from jobs where args->>'r' = $1 and args->>'k' = 'timer'", run.ToString());
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(due, DateTimeKind.Utc), TimeZoneInfo.FindSystemTimeZoneById("Pacific/Kiritimati"));
        Assert.Equal(new TimeOnly(9, 0), TimeOnly.FromDateTime(local));
    }

    [Fact]
    public async Task A_false_when_skips_the_step_recording_the_condition_and_a_branch_takes_its_first_true_arm()
    {
        var tenant = await TenantAsync();
        await tenant.Http.PublishWorkflowAsync(Flow("""
            {"id":"vip-only","type":"send","channel":"email","template":"note","when":"data.vip"},
            {"id":"size","type":"branch","arms":[
              {"when":"data.total > `100`","steps":[{"id":"big","type":"send","channel":"sms","template":"note"}]},
              {"when":"data.total > `10`","steps":[{"id":"mid","type":"send","channel":"email","template":"note"}]}],
             "otherwise":[{"id":"small","type":"exit","reason":"too small"}]}
            """));
        var run = (await tenant.Http.TriggerAsync("flow", new { recipients = new[] { "ada" }, data = new { vip = false, total = 50, msg = "m" } })).Single();
        var done = await tenant.Http.WaitForRunAsync(run, "completed");
        var steps = done["steps"]!.AsArray().ToDictionary(s => s!.Text("stepId")!);
        Assert.Equal("skipped", steps["vip-only"]!.Text("state"));
        Assert.Equal("when `data.vip` was false", steps["vip-only"]!.Text("detail"));
        Assert.Equal("arm 1: `data.total > `10``", steps["size"]!.Text("detail"));
        Assert.Single(done.Sent()["mid"]);
        Assert.False(steps.ContainsKey("big"));

        var small = (await tenant.Http.TriggerAsync("flow", new { recipients = new[] { "ada" }, data = new { vip = false, total = 1, msg = "m" } })).Single();
        var exited = await tenant.Http.WaitForRunAsync(small, "completed");
        Assert.Equal("too small", exited.Text("reason"));
    }

    [Fact]
    public async Task A_wait_for_an_event_is_woken_by_that_users_event_with_its_key_only()
    {
        var tenant = await TenantAsync();
        await tenant.Http.IdentifyAsync("bob", new { email = "bob@example.com" });
        await tenant.Http.PublishWorkflowAsync(Flow("""
            {"id":"paid","type":"waitFor","event":"order.paid","key":"data.orderId","timeout":"P1D",
             "then":[{"id":"thanks","type":"send","channel":"email","template":"note"}],
             "onTimeout":[{"id":"remind","type":"send","channel":"email","template":"note"}]}
            """));
        var ada = (await tenant.Http.TriggerAsync("flow", new { recipients = new[] { "ada" }, data = new { orderId = "order-1", msg = "m" } })).Single();
        var bob = (await tenant.Http.TriggerAsync("flow", new { recipients = new[] { "bob" }, data = new { orderId = "order-1", msg = "m" } })).Single();
        await tenant.Http.WaitForWaitAsync(ada, "paid");
        await tenant.Http.WaitForWaitAsync(bob, "paid");

        async Task<int> EventAsync(object e) => (await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync($"{WorkflowApi.Services}/events", e), 202))["woken"]!.GetValue<int>();
        Assert.Equal(0, await EventAsync(new { name = "order.paid", userId = "ada", key = "order-2" }));   // another order
        Assert.Equal(0, await EventAsync(new { name = "order.shipped", userId = "ada", key = "order-1" }));   // another event
        Assert.Equal(1, await EventAsync(new { name = "order.paid", userId = "ada", key = "order-1", data = new { amount = 5 } }));

        var done = await tenant.Http.WaitForRunAsync(ada, "completed");
        Assert.Single(done.Sent()["thanks"]);
        Assert.Equal("waiting", (await tenant.Http.RunAsync(bob)).Text("state"));   // bob's run heard nothing
        Assert.Equal(0, await EventAsync(new { name = "order.paid", userId = "ada", key = "order-1" }));   // woken once
        var bad = await tenant.Http.PostJsonAsync($"{WorkflowApi.Services}/events", new { name = "", userId = "" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["name", "userId"], (await bad.JsonAsync()).ErrorKeys().Order());
    }

    [Fact]
    public async Task A_run_that_ends_tells_the_tenants_webhook_endpoints()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var tenant = await TenantAsync();
        await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync("/api/v1/admin/webhooks",
            new { url = receiver.Url, events = new[] { "workflow.run.completed", "workflow.run.cancelled", "workflow.run.failed" } }), 201);
        await tenant.Http.PublishWorkflowAsync(Flow("""{"id":"x","type":"exit","reason":"nothing to do"}"""));
        var run = (await tenant.Http.TriggerAsync("flow", new { recipients = new[] { "ada" }, cancellationKey = "k-1" })).Single();
        var received = await receiver.WaitForAsync(1);
        var payload = JsonNode.Parse(received[0].Body)!;
        Assert.Equal("workflow.run.completed", payload.Text("type"));
        Assert.Equal(run.ToString(), payload["data"]!.Text("runId"));
        Assert.Equal(("flow", "ada", "nothing to do", "k-1"), (payload["data"]!.Text("workflow"), payload["data"]!.Text("userId"), payload["data"]!.Text("reason"),
            payload["data"]!.Text("cancellationKey")));
    }
}
