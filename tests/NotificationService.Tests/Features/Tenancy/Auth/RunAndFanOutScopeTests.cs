using System.Net;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Tenancy.Auth;

/// <summary>
/// What a scope creates it can read and cancel: a send-only key follows and stops the fan-outs its topic sends make.
/// Cancelling runs by query selects runs as a list does, so it needs the read scope as well as send.
/// </summary>
[Collection("service")]
public class RunAndFanOutScopeTests(ServiceFixture service)
{
    [Fact]
    public async Task Cancelling_runs_by_query_needs_read_as_well_as_send()
    {
        var tenant = await service.NewTenantAsync();
        var sender = await service.KeyWithAsync(tenant.Id, Scopes.Send);
        var senderAndReader = await service.KeyWithAsync(tenant.Id, Scopes.Send, Scopes.Read);
        var query = new { workflow = "order-update" };

        var refused = await sender.PostJsonAsync($"{WorkflowApi.Services}/runs/cancel", query);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await sender.GetAsync($"{WorkflowApi.Services}/runs")).StatusCode); // as it cannot list them

        var allowed = await senderAndReader.PostJsonAsync($"{WorkflowApi.Services}/runs/cancel", query);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(0, (await allowed.JsonAsync())["cancelled"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_send_only_key_reads_and_cancels_the_fan_outs_its_topic_sends_make()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.TopicWithAsync("building-12", "ada", "bob");
        var sender = await service.KeyWithAsync(tenant.Id, Scopes.Send);

        var fanOut = await sender.SendToTopicsAsync(new
        {
            channel = "in_app", recipient = new { topics = new[] { "building-12" } }, content = new { title = "Water off", body = "Tomorrow 9–12" },
        });

        var read = await sender.GetAsync(TopicsApi.FanOut(fanOut));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(fanOut.ToString(), (await read.JsonAsync())["id"]!.GetValue<string>());
        // Cancelled while it runs (200) or refused as already ended (409): either way the key was allowed to ask.
        var cancel = await sender.PostAsync($"{TopicsApi.FanOut(fanOut)}/cancel", null);
        Assert.Contains(cancel.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Conflict });
        // A key that can neither send nor read sends is still refused.
        var topicsOnly = await service.KeyWithAsync(tenant.Id, Scopes.TopicsRead);
        Assert.Equal(HttpStatusCode.Forbidden, (await topicsOnly.GetAsync(TopicsApi.FanOut(fanOut))).StatusCode);
    }
}
