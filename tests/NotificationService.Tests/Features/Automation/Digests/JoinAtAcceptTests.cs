using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Features.Sending.Topics;
using NotificationService.Tests.Shared;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Automation.Digests;

/// <summary>
/// Batch on write through the service: a trigger to a workflow that opens with the comment thread's digest puts every
/// recipient's event in their window before it answers 202, with no job per run; the windows then close into one digest
/// each, as windows joined one run at a time do; a topic trigger's runs join the same way, chunk by chunk.
/// </summary>
[Collection("service")]
public class JoinAtAcceptTests(ServiceFixture service)
{
    private static readonly string[] Readers = [.. Enumerable.Range(0, 20).Select(i => $"reader-{i}")];

    private async Task<TestTenant> ReadersAsync()
    {
        var tenant = await service.TenantAsync();
        foreach (var user in Readers) await tenant.Http.IdentifyAsync(user, new { email = $"{user}@example.com" });
        await tenant.Http.PublishWorkflowAsync(DigestApi.Flow(DigestApi.Batch, DigestApi.Mail));
        return tenant;
    }

    private static Task<Guid[]> CommentAsync(TestTenant tenant, string text, string actor) =>
        tenant.Http.TriggerAsync("comments", new { recipients = Readers, data = new { threadId = "t1", text }, actor = new { id = actor } });

    [Fact]
    public async Task A_trigger_puts_every_recipients_event_in_their_window_before_it_answers_and_queues_no_job_per_run()
    {
        var tenant = await ReadersAsync();
        var first = await CommentAsync(tenant, "one", "bob");
        var second = await CommentAsync(tenant, "two", "cy");

        // Read at once after the 202s, without waiting for any worker.
        Assert.Equal(40, await service.OpenEventsAsync(tenant.Id));
        Assert.Equal(20, await service.ScalarAsync<long>("select count(*) from digest_windows where tenant_id = $1 and state = 'open'", tenant.Id));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from jobs where tenant_id = $1 and kind = 'workflow-step'", tenant.Id));
        Assert.Equal(20, await service.ScalarAsync<long>("select count(*) from jobs where tenant_id = $1 and kind = 'digest-close'", tenant.Id));
        Assert.Equal(0, await UpdatedSinceInsertAsync(tenant.Id));
        var run = await tenant.Http.RunAsync(second[7]);
        Assert.Equal("waiting", run.Text("state"));
        Assert.Equal(["started", "digesting"], run["timeline"]!.AsArray().Select(e => e.Text("what")));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from workflow_run_events where tenant_id = $1", tenant.Id));   // the runs' rows say it

        await service.CloseWindowsAsync(tenant.Id);
        var done = new List<System.Text.Json.Nodes.JsonNode>();
        foreach (var id in first.Concat(second)) done.Add(await tenant.Http.WaitForRunAsync(id, "completed"));
        Assert.Equal(first.Order(), done.Where(r => r.Sends("mail")).Select(r => Guid.Parse(r.Text("id")!)).Order());   // each window's first event carries it
        var sent = await Eventually.Async(() => service.SentAsync(tenant.Id), s => s.Split(" | ").Length == 20, "twenty digests");
        Assert.Equal(20, sent.Split("2 new comments").Length - 1);
        Assert.Equal(20, sent.Split("[one][two]").Length - 1);
        var summary = System.Text.Json.Nodes.JsonNode.Parse((await service.ScalarAsync<string>(
            "select summary::text from digest_windows where tenant_id = $1 and user_id = 'reader-7'", tenant.Id))!)!;
        Assert.Equal((2, "bob", "cy"), ((int)summary["actors"]!["count"]!, summary["actors"]!["first"]![0]!.Text("id"), summary["actors"]!["first"]![1]!.Text("id")));
    }

    [Fact]
    public async Task A_cancelled_trigger_takes_its_events_back_out_of_every_window_it_joined()
    {
        var tenant = await ReadersAsync();
        await CommentAsync(tenant, "kept", "bob");
        await tenant.Http.TriggerAsync("comments", new { recipients = Readers, data = new { threadId = "t1", text = "deleted" }, cancellationKey = "c-2" });
        Assert.Equal(40, await service.OpenEventsAsync(tenant.Id));
        var cancelled = await TemplateApi.ExpectAsync(
            await tenant.Http.PostJsonAsync($"{WorkflowApi.Services}/runs/cancel", new { cancellationKey = "c-2" }), 200);
        Assert.Equal(20, cancelled["cancelled"]!.GetValue<int>());
        Assert.Equal(20, await service.OpenEventsAsync(tenant.Id));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from digest_events e join workflow_runs r on r.tenant_id = e.tenant_id and r.id = e.run_id " +
            "where e.tenant_id = $1 and r.cancellation_key = 'c-2'", tenant.Id));
    }

    [Fact]
    public async Task A_topic_triggers_runs_join_their_windows_as_each_chunk_starts_them_and_no_job_per_run_is_queued()
    {
        var tenant = await ReadersAsync();
        await tenant.Http.TopicWithAsync("thread-t1", Readers);
        var body = new { topics = new[] { "thread-t1" }, data = new { threadId = "t1", text = "to all" }, actor = new { id = "bob" } };
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await tenant.Http.PostJsonAsync($"{WorkflowApi.Services}/comments/trigger", body)).StatusCode);
        await CommentAsync(tenant, "direct", "cy");

        await service.WaitOpenEventsAsync(tenant.Id, 40);
        Assert.Equal(20, await service.ScalarAsync<long>("select count(*) from digest_windows where tenant_id = $1", tenant.Id));
        Assert.Equal(40, await service.ScalarAsync<long>("select count(*) from workflow_runs where tenant_id = $1 and state = 'waiting'", tenant.Id));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from jobs where tenant_id = $1 and kind = 'workflow-step'", tenant.Id));
        Assert.Equal(0, await UpdatedSinceInsertAsync(tenant.Id));
    }

    /// <summary>Runs a transition has saved since their insert (it stamps `updated_at`): none, when they started in their window.</summary>
    private Task<long> UpdatedSinceInsertAsync(Guid tenantId) =>
        service.ScalarAsync<long>("select count(*) from workflow_runs where tenant_id = $1 and updated_at <> created_at", tenantId);
}
