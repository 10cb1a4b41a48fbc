using System.Net;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Automation.Workflows;

/// <summary>A run keeps the version it was triggered with; cancel by id and by query stop waits at once; resume goes on.</summary>
[Collection("service")]
public class PinningAndCancelTests(ServiceFixture service)
{
    private const string V1 = """
        {"key":"remind","name":"Remind","steps":[
          {"id":"wait","type":"waitFor","event":"done","timeout":"PT1H","onTimeout":[{"id":"v1-mail","type":"send","channel":"email","template":"note"}]}]}
        """;
    private const string V2 = """
        {"key":"remind","name":"Remind","steps":[
          {"id":"wait","type":"waitFor","event":"done","timeout":"PT1H","onTimeout":[{"id":"v2-text","type":"send","channel":"sms","template":"note"}]}]}
        """;

    private async Task<TestTenant> TenantAsync(params string[] users)
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(new { key = "note", channel = "email", locale = "en", parts = new { subject = "Note", text = "Hi" } });
        await tenant.Http.CreateTemplateAsync(new { key = "note", channel = "sms", locale = "en", parts = new { body = "Hi" } });
        foreach (var u in users) await tenant.Http.IdentifyAsync(u, new { email = $"{u}@example.com", phone = "+14155550100" });
        return tenant;
    }

    [Fact]
    public async Task A_run_pinned_to_v1_keeps_v1_after_v2_is_published_and_new_runs_get_v2()
    {
        var tenant = await TenantAsync("ada");
        await tenant.Http.PublishWorkflowAsync(V1);
        var old = (await tenant.Http.TriggerAsync("remind", new { recipients = new[] { "ada" } })).Single();
        await tenant.Http.WaitForWaitAsync(old, "wait");

        await TemplateApi.ExpectAsync(await tenant.Http.PutAsync($"{WorkflowApi.Admin}/remind", WorkflowApi.Json(V2)), 200);
        var published = await TemplateApi.ExpectAsync(await tenant.Http.PostAsync($"{WorkflowApi.Admin}/remind/publish", null), 200);
        Assert.Equal(2, published["publishedVersion"]!.GetValue<int>());
        var fresh = (await tenant.Http.TriggerAsync("remind", new { recipients = new[] { "ada" } })).Single();
        await tenant.Http.WaitForWaitAsync(fresh, "wait");

        await service.MakeDueAsync(old, "timeout");
        await service.MakeDueAsync(fresh, "timeout");
        var oldRun = await tenant.Http.WaitForRunAsync(old, "completed");
        var freshRun = await tenant.Http.WaitForRunAsync(fresh, "completed");
        Assert.Equal(1, oldRun["version"]!.GetValue<int>());
        Assert.Single(oldRun.Sent()["v1-mail"]);
        Assert.Equal(2, freshRun["version"]!.GetValue<int>());
        Assert.Single(freshRun.Sent()["v2-text"]);

        // Rollback publishes v1 again: the next run is a v1 run.
        await TemplateApi.ExpectAsync(await tenant.Http.PostAsync($"{WorkflowApi.Admin}/remind/rollback", null), 200);
        var again = (await tenant.Http.TriggerAsync("remind", new { recipients = new[] { "ada" } })).Single();
        Assert.Equal(1, (await tenant.Http.WaitForWaitAsync(again, "wait"))["version"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Conflict, (await tenant.Http.PostAsync($"{WorkflowApi.Admin}/remind/rollback", null)).StatusCode);
    }

    [Fact]
    public async Task Cancel_by_query_stops_the_waits_at_once_and_a_resumed_run_waits_again_with_its_deadline()
    {
        var tenant = await TenantAsync("u-42", "u-7");
        await tenant.Http.PublishWorkflowAsync(V1);
        var mine = await tenant.Http.TriggerAsync("remind", new { recipients = new[] { "u-42" }, cancellationKey = "order-9" });
        var mineToo = await tenant.Http.TriggerAsync("remind", new { recipients = new[] { "u-42" } });
        var other = (await tenant.Http.TriggerAsync("remind", new { recipients = new[] { "u-7" }, cancellationKey = "order-9" })).Single();
        foreach (var id in mine.Concat(mineToo).Append(other)) await tenant.Http.WaitForWaitAsync(id, "wait");

        var answer = await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync($"{WorkflowApi.Services}/runs/cancel", new { workflow = "remind", userId = "u-42" }), 200);
        Assert.Equal(2, answer["cancelled"]!.GetValue<int>());
        foreach (var id in mine.Concat(mineToo))
        {
            var run = await tenant.Http.RunAsync(id);
            Assert.Equal("cancelled", run.Text("state"));
            // Waiting stopped at once: no timeout job and no waiting row is left for the run.
            Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from jobs where args->>'r' = $1", id.ToString()));
            Assert.Equal("released", await service.ScalarAsync<string>("select state from workflow_waits where run_id = $1", id));
        }
        Assert.Equal("waiting", (await tenant.Http.RunAsync(other)).Text("state"));
        var byKey = await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync($"{WorkflowApi.Services}/runs/cancel", new { cancellationKey = "order-9" }), 200);
        Assert.Equal(1, byKey["cancelled"]!.GetValue<int>());   // the other user's; u-42's was cancelled already
        Assert.Equal(HttpStatusCode.Conflict, (await tenant.Http.PostAsync($"{WorkflowApi.Services}/runs/{mine[0]}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await tenant.Http.PostJsonAsync($"{WorkflowApi.Services}/runs/cancel", new { })).StatusCode);

        var deadline = await service.ScalarAsync<DateTime>("select due_at from workflow_waits where run_id = $1", mine[0]);
        var resumed = await TemplateApi.ExpectAsync(await tenant.Http.PostAsync($"{WorkflowApi.Services}/runs/{mine[0]}/resume", null), 200);
        Assert.Equal("waiting", resumed.Text("state"));
        Assert.Equal(deadline, await service.ScalarAsync<DateTime>("select due_at from workflow_waits where run_id = $1 and state = 'waiting'", mine[0]));
        Assert.Equal(HttpStatusCode.Conflict, (await tenant.Http.PostAsync($"{WorkflowApi.Services}/runs/{mine[0]}/resume", null)).StatusCode);
        await service.MakeDueAsync(mine[0], "timeout");
        var done = await tenant.Http.WaitForRunAsync(mine[0], "completed");
        Assert.Single(done.Sent()["v1-mail"]);
        Assert.Equal(["cancelled", "resumed"], done["timeline"]!.AsArray().Select(e => e.Text("what")).Where(w => w is "cancelled" or "resumed"));
    }

    [Fact]
    public async Task Another_tenants_run_is_not_found_and_cannot_be_cancelled()
    {
        var tenant = await TenantAsync("ada");
        var other = await service.NewTenantAsync();
        await tenant.Http.PublishWorkflowAsync(V1);
        var run = (await tenant.Http.TriggerAsync("remind", new { recipients = new[] { "ada" } })).Single();
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"{WorkflowApi.Services}/runs/{run}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.PostAsync($"{WorkflowApi.Services}/runs/{run}/cancel", null)).StatusCode);
        Assert.Equal(0, (await TemplateApi.ExpectAsync(await other.Http.PostJsonAsync($"{WorkflowApi.Services}/runs/cancel", new { userId = "ada" }), 200))["cancelled"]!.GetValue<int>());
        Assert.Equal("waiting", (await tenant.Http.WaitForWaitAsync(run, "wait")).Text("state"));
        Assert.Empty((await other.Http.GetJsonAsync($"{WorkflowApi.Services}/runs"))["items"]!.AsArray());
    }
}
