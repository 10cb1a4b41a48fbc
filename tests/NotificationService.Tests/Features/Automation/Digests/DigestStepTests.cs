using NotificationService.Tests.Features.Administration.Privacy;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Shared;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Automation.Digests;

/// <summary>
/// The digest step through the service: comments on a thread become one email carrying their count and text, the others
/// end `digested` naming the run that carried them; each window kind closes as it says; a cancelled event leaves its window;
/// two digest steps in one workflow. Virtual time: a window's end is its close job made due.
/// </summary>
[Collection("service")]
public class DigestStepTests(ServiceFixture service)
{
    [Fact]
    public async Task A_bad_digest_or_throttle_is_a_422_naming_its_json_path_and_nothing_is_saved()
    {
        var tenant = await service.TenantAsync();
        var response = await tenant.Http.PostAsync(WorkflowApi.Admin, WorkflowApi.Json(DigestApi.Flow(
            """{"id":"a","type":"digest","window":{"hourly":"PT1H"}}""",
            """{"id":"b","type":"digest","window":{"scheduled":"0 0 30 2 *"}}""",
            """{"id":"c","type":"digest","window":{"fixed":"PT1H"},"keep":{"first":101}}""",
            """{"id":"d","type":"throttle","limit":0,"window":"PT1H"}""")));
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal(["$.steps[0].window.hourly", "$.steps[1].window.scheduled", "$.steps[2].keep.first", "$.steps[3].limit"],
            problem.ErrorKeys().Order(StringComparer.Ordinal));
        Assert.Contains("never fires", problem["errors"]!["$.steps[1].window.scheduled"]![0]!.GetValue<string>());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await tenant.Http.GetAsync($"{WorkflowApi.Admin}/comments")).StatusCode);
    }

    [Fact]
    public async Task Comments_on_a_thread_become_one_email_and_the_other_runs_end_digested_naming_its_run()
    {
        var tenant = await service.TenantAsync();
        await tenant.Http.PublishWorkflowAsync(DigestApi.Flow(DigestApi.Batch, DigestApi.Mail));
        var thread = new[] { await tenant.Http.CommentAsync("t1", "first"), await tenant.Http.CommentAsync("t1", "second"), await tenant.Http.CommentAsync("t1", "third") };
        var other = await tenant.Http.CommentAsync("t2", "elsewhere");
        foreach (var run in thread.Append(other)) await tenant.Http.WaitForWaitAsync(run, "batch");
        Assert.Equal(3, await service.OpenEventsAsync(tenant.Id, "t1"));

        await service.CloseWindowsAsync(tenant.Id);
        var done = new List<System.Text.Json.Nodes.JsonNode>();
        foreach (var run in thread) done.Add(await tenant.Http.WaitForRunAsync(run, "completed"));
        var carrier = Assert.Single(done, r => r.Sends("mail")).Text("id");
        foreach (var digested in done.Where(r => r.Text("id") != carrier))
        {
            Assert.Equal($"digested: run {carrier} carries its event", digested.Text("reason"));
            Assert.Contains(digested["timeline"]!.AsArray(), e => e.Text("what") == "digested" && e.Text("detail") == $"carried by run {carrier}");
        }
        Assert.True((await tenant.Http.WaitForRunAsync(other, "completed")).Sends("mail"));
        var sent = await Eventually.Async(() => service.SentAsync(tenant.Id), s => s.Split(" | ").Length == 2, "two emails");
        Assert.Contains("3 new comments", sent);
        Assert.All(new[] { "[first]", "[second]", "[third]", "[elsewhere]" }, text => Assert.Contains(text, sent));
        Assert.Contains("1 new comments", sent);
    }

    [Fact]
    public async Task A_backoff_window_lets_the_first_event_through_at_once_and_digests_the_rest()
    {
        var tenant = await service.TenantAsync();
        await tenant.Http.PublishWorkflowAsync(DigestApi.Flow("""{"id":"batch","type":"digest","key":"data.threadId","window":{"backoff":"PT1H"}}""", DigestApi.Mail));
        var first = await tenant.Http.CommentAsync("t1", "first");
        Assert.True((await tenant.Http.WaitForRunAsync(first, "completed")).Sends("mail"));
        var later = new[] { await tenant.Http.CommentAsync("t1", "second"), await tenant.Http.CommentAsync("t1", "third") };
        foreach (var run in later) await tenant.Http.WaitForWaitAsync(run, "batch");

        await service.CloseWindowsAsync(tenant.Id);
        foreach (var run in later) await tenant.Http.WaitForRunAsync(run, "completed");
        var sent = await Eventually.Async(() => service.SentAsync(tenant.Id), s => s.Split(" | ").Length == 2, "two emails");
        Assert.Contains("1 new comments", sent);
        Assert.Contains("2 new comments", sent);
        Assert.Equal(2, sent.Split("[second]").Length + sent.Split("[third]").Length - 2);   // each once, in the digest
    }

    [Fact]
    public async Task MaxEvents_closes_a_window_early_and_the_next_event_opens_another()
    {
        var tenant = await service.TenantAsync();
        await tenant.Http.PublishWorkflowAsync(DigestApi.Flow("""{"id":"batch","type":"digest","key":"data.threadId","window":{"fixed":"PT1H"},"maxEvents":2}""", DigestApi.Mail));
        var full = new[] { await tenant.Http.CommentAsync("t1", "a"), await tenant.Http.CommentAsync("t1", "b") };
        foreach (var run in full) await tenant.Http.WaitForRunAsync(run, "completed");   // no close job was made due
        Assert.Contains("2 new comments", await Eventually.Async(() => service.SentAsync(tenant.Id), s => s.Length > 0, "the digest"));
        var next = await tenant.Http.CommentAsync("t1", "c");
        await tenant.Http.WaitForWaitAsync(next, "batch");
        Assert.Equal(1, await service.OpenEventsAsync(tenant.Id));
    }

    [Fact]
    public async Task Each_event_moves_a_sliding_windows_close_and_its_close_job_waits_for_the_last_one()
    {
        var tenant = await service.TenantAsync();
        await tenant.Http.PublishWorkflowAsync(DigestApi.Flow("""{"id":"batch","type":"digest","key":"data.threadId","window":{"sliding":"PT10M","max":"PT1H"}}""", DigestApi.Mail));
        var runs = new List<Guid> { await tenant.Http.CommentAsync("t1", "a") };
        await tenant.Http.WaitForWaitAsync(runs[0], "batch");
        var firstClose = await service.ScalarAsync<DateTime>("select closes_at from digest_windows where tenant_id = $1", tenant.Id);
        runs.Add(await tenant.Http.CommentAsync("t1", "b"));
        await tenant.Http.WaitForWaitAsync(runs[1], "batch");
        var (closes, hard) = (await service.ScalarAsync<DateTime>("select closes_at from digest_windows where tenant_id = $1", tenant.Id),
            await service.ScalarAsync<DateTime>("select hard_close_at from digest_windows where tenant_id = $1", tenant.Id));
        Assert.True(closes > firstClose && closes <= hard, $"{firstClose:O} → {closes:O} (at most {hard:O})");

        await service.CloseWindowsAsync(tenant.Id);   // the job made for the first close finds the close moved: it waits again
        var again = await Eventually.Async(() => service.ScalarAsync<DateTime>(
            "select run_at from jobs where tenant_id = $1 and kind = 'digest-close' and state = 'ready' and run_at > now()", tenant.Id), at => at != default, "the close job again");
        Assert.Equal(closes, again);
        Assert.Equal(2, await service.OpenEventsAsync(tenant.Id));

        await service.CloseWindowsAsync(tenant.Id);
        foreach (var run in runs) await tenant.Http.WaitForRunAsync(run, "completed");
        Assert.Contains("2 new comments", await Eventually.Async(() => service.SentAsync(tenant.Id), s => s.Length > 0, "the digest"));
    }

    [Fact]
    public async Task A_cancelled_trigger_takes_its_event_back_out_of_the_open_window()
    {
        var tenant = await service.TenantAsync();
        await tenant.Http.PublishWorkflowAsync(DigestApi.Flow(DigestApi.Batch, DigestApi.Mail));
        var runs = new[] { await tenant.Http.CommentAsync("t1", "kept"), await tenant.Http.CommentAsync("t1", "deleted", cancellationKey: "comment-2"),
            await tenant.Http.CommentAsync("t1", "kept too") };
        foreach (var run in runs) await tenant.Http.WaitForWaitAsync(run, "batch");
        var cancelled = await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync($"{WorkflowApi.Services}/runs/cancel", new { cancellationKey = "comment-2" }), 200);
        Assert.Equal(1, cancelled["cancelled"]!.GetValue<int>());
        Assert.Equal(2, await service.OpenEventsAsync(tenant.Id));

        await service.CloseWindowsAsync(tenant.Id);
        await tenant.Http.WaitForRunAsync(runs[0], "completed");
        await tenant.Http.WaitForRunAsync(runs[2], "completed");
        var sent = await Eventually.Async(() => service.SentAsync(tenant.Id), s => s.Length > 0, "the digest");
        Assert.Contains("2 new comments", sent);
        Assert.Contains("[kept]", sent);
        Assert.Contains("[kept too]", sent);
        Assert.DoesNotContain("[deleted]", sent);
        Assert.Equal("cancelled", (await tenant.Http.RunAsync(runs[1])).Text("state"));
    }

    [Fact]
    public async Task Two_digest_steps_in_one_workflow_digest_threads_then_the_recipients_threads()
    {
        var tenant = await service.TenantAsync("{{steps.daily.count}} threads, {{steps.batch.count}} in this one");
        await tenant.Http.PublishWorkflowAsync(DigestApi.Flow(DigestApi.Batch, """{"id":"daily","type":"digest","window":{"fixed":"PT2H"}}""", DigestApi.Mail));
        var runs = new[] { await tenant.Http.CommentAsync("t1", "a"), await tenant.Http.CommentAsync("t1", "b"), await tenant.Http.CommentAsync("t2", "c") };
        foreach (var run in runs) await tenant.Http.WaitForWaitAsync(run, "batch");

        await service.CloseWindowsAsync(tenant.Id);   // both thread windows close; their two carriers join the recipient's window
        await service.WaitOpenEventsAsync(tenant.Id, 2, key: "");
        await service.CloseWindowsAsync(tenant.Id);
        var done = new List<System.Text.Json.Nodes.JsonNode>();
        foreach (var run in runs) done.Add(await tenant.Http.WaitForRunAsync(run, "completed"));
        Assert.Single(done, r => r.Sends("mail"));
        var sent = await Eventually.Async(() => service.SentAsync(tenant.Id), s => s.Length > 0, "the digest");
        Assert.Matches("2 threads, [12] in this one", sent);
    }

    [Fact]
    public async Task Erasing_the_recipient_removes_their_windows_and_the_events_in_them()
    {
        var tenant = await service.TenantAsync();
        await tenant.Http.PublishWorkflowAsync(DigestApi.Flow(DigestApi.Batch, DigestApi.Mail));
        var marker = "comment-" + Guid.NewGuid().ToString("N");
        var run = await tenant.Http.CommentAsync("t1", marker);
        await tenant.Http.WaitForWaitAsync(run, "batch");
        Assert.NotEmpty(await PrivacyApi.WhereStoredAsync(service.Db, marker));

        var status = await tenant.Http.WaitErasedAsync(await tenant.Http.EraseAsync("ada"));
        Assert.True(status.Count("workflowRuns") >= 2);   // the run and its window
        Assert.Empty(await PrivacyApi.WhereStoredAsync(service.Db, marker));
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from digest_windows where tenant_id = $1", tenant.Id));
    }
}
