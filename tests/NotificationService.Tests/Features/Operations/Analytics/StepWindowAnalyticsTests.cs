using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Operations.Analytics;
using NotificationService.Tests.Features.Automation.Digests;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Shared;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Operations.Analytics;

/// <summary>
/// The report's `digests` and `throttles`: what digest and throttle steps absorbed and saved, counted as the engine joins,
/// answers and ends runs, equal what counting their windows and runs gives, and nothing of another tenant; a cancelled event
/// leaves the absorbed count, and a backoff window's first event, sent alone, never joins it.
/// </summary>
[Collection("service")]
public class StepWindowAnalyticsTests(ServiceFixture service)
{
    private const string Throttle = """
        {"key":"alerts","name":"Alerts","steps":[{"id":"calm","type":"throttle","limit":2,"window":"PT1H"},
         {"id":"text","type":"send","channel":"sms","template":"alert"}]}
        """;

    private static string Window => $"from={DateTime.UtcNow.AddHours(-2):yyyy-MM-ddTHH:mm:ssZ}&to={DateTime.UtcNow.AddHours(2):yyyy-MM-ddTHH:mm:ssZ}";

    /// <summary>The comment-thread digest (comments) and an alert throttle (alerts), ada reachable by email and SMS.</summary>
    private async Task<TestTenant> TenantAsync()
    {
        var tenant = await service.TenantAsync();
        await tenant.Http.CreateTemplateAsync(new { key = "alert", channel = "sms", locale = "en", parts = new { body = "{{alert}} is down" } });
        await tenant.Http.IdentifyAsync("ada", new { email = "ada@example.com", phone = "+14155550100" });
        await tenant.Http.PublishWorkflowAsync(DigestApi.Flow(DigestApi.Batch, DigestApi.Mail));
        await tenant.Http.PublishWorkflowAsync(Throttle);
        return tenant;
    }

    private async Task<JsonNode> ReportAsync(TestTenant tenant) =>
        await (await tenant.Http.GetAsync($"/api/v1/admin/analytics?{Window}")).JsonAsync();

    private static JsonNode Row(JsonNode report, string field, string workflow, string step) =>
        Assert.Single(report[field]!.AsArray(), r => r.Text("workflow") == workflow && r.Text("step") == step)!;

    private static long N(JsonNode row, string field) => row[field]!.GetValue<long>();

    [Fact]
    public async Task A_digest_absorbing_five_events_into_two_windows_and_a_throttle_holding_back_three_give_those_figures_and_the_tables_counts()
    {
        var tenant = await TenantAsync();
        var other = await TenantAsync();
        var comments = new List<Guid>();
        foreach (var (thread, text) in new[] { ("t1", "a"), ("t1", "b"), ("t1", "c"), ("t2", "d"), ("t2", "e") })
            comments.Add(await tenant.Http.CommentAsync(thread, text));
        var theirs = await other.Http.CommentAsync("t1", "theirs");
        foreach (var run in comments) await tenant.Http.WaitForWaitAsync(run, "batch");
        await other.Http.WaitForWaitAsync(theirs, "batch");
        await service.CloseWindowsAsync(tenant.Id);
        foreach (var run in comments) await tenant.Http.WaitForRunAsync(run, "completed");
        var alerts = new List<Guid>();
        for (var i = 0; i < 5; i++) alerts.Add((await tenant.Http.TriggerAsync("alerts", new { recipients = new[] { "ada" }, data = new { alert = "disk" } })).Single());
        foreach (var run in alerts) await tenant.Http.WaitForRunAsync(run, "completed");

        // The counts are handed over just after each commit the runs' states show: flush until the last of them is in.
        var flusher = service.Factory.Services.GetRequiredService<StepWindowFlusher>();
        var report = await Eventually.Async(async () => { await flusher.FlushAsync(default); return await ReportAsync(tenant); },
            r => r["digests"]!.AsArray().Sum(d => N(d!, "messagesSaved")) >= 3 && r["throttles"]!.AsArray().Sum(t => N(t!, "messagesSaved")) >= 3,
            "the digest's and the throttle's savings in the report");

        var digest = Row(report, "digests", "comments", "batch");
        Assert.Equal((5, 3), (N(digest, "absorbed"), N(digest, "messagesSaved")));
        var throttle = Row(report, "throttles", "alerts", "calm");
        Assert.Equal((2, 3, 3), (N(throttle, "passed"), N(throttle, "heldBack"), N(throttle, "messagesSaved")));

        // What the windows and runs themselves say: events in closed windows, one message per closed window, runs let through
        // by the throttle's windows and runs it ended.
        var absorbed = await service.ScalarAsync<long>(
            "select sum((summary->>'count')::int8)::int8 from digest_windows where tenant_id = $1 and state = 'closed'", tenant.Id);
        var windows = await service.ScalarAsync<long>("select count(*) from digest_windows where tenant_id = $1 and state = 'closed'", tenant.Id);
        Assert.Equal((absorbed, absorbed - windows), (N(digest, "absorbed"), N(digest, "messagesSaved")));
        Assert.Equal(absorbed - windows, await service.ScalarAsync<long>(
            "select count(*) from workflow_runs where tenant_id = $1 and workflow_key = 'comments' and machine->>'endReason' like 'digested:%'", tenant.Id));
        Assert.Equal(await service.ScalarAsync<long>("select sum(passed)::int8 from throttle_windows where tenant_id = $1", tenant.Id), N(throttle, "passed"));
        Assert.Equal(await service.ScalarAsync<long>(
            "select count(*) from workflow_runs where tenant_id = $1 and workflow_key = 'alerts' and machine->>'endReason' like 'throttled %'", tenant.Id),
            N(throttle, "messagesSaved"));

        var theirReport = await Eventually.Async(async () => { await flusher.FlushAsync(default); return await ReportAsync(other); },
            r => r["digests"]!.AsArray().Count > 0, "the other tenant's open window in its own report");
        Assert.Equal((1, 0), (N(Row(theirReport, "digests", "comments", "batch"), "absorbed"), N(Row(theirReport, "digests", "comments", "batch"), "messagesSaved")));
        Assert.Empty(theirReport["throttles"]!.AsArray());
    }

    [Fact]
    public async Task A_cancelled_event_is_no_longer_absorbed_and_a_backoff_windows_first_event_passing_alone_never_was()
    {
        var tenant = await TenantAsync();
        await tenant.Http.PublishWorkflowAsync("""
            {"key":"pings","name":"Pings","steps":[{"id":"batch","type":"digest","key":"data.threadId","window":{"backoff":"PT1H"}},
             {"id":"mail","type":"send","channel":"email","template":"comments"}]}
            """);
        var comments = new[] { await tenant.Http.CommentAsync("t1", "kept"), await tenant.Http.CommentAsync("t1", "deleted", cancellationKey: "c2"),
            await tenant.Http.CommentAsync("t1", "kept too") };
        foreach (var run in comments) await tenant.Http.WaitForWaitAsync(run, "batch");
        await TemplateApi.ExpectAsync(await tenant.Http.PostJsonAsync($"{WorkflowApi.Services}/runs/cancel", new { cancellationKey = "c2" }), 200);
        async Task<Guid> PingAsync() =>
            (await tenant.Http.TriggerAsync("pings", new { recipients = new[] { "ada" }, data = new { threadId = "t1", text = "ping" } })).Single();
        await tenant.Http.WaitForRunAsync(await PingAsync(), "completed");   // the first passes at once, alone
        var pings = new[] { await PingAsync(), await PingAsync() };
        foreach (var run in pings) await tenant.Http.WaitForWaitAsync(run, "batch");
        await service.CloseWindowsAsync(tenant.Id);
        foreach (var run in pings.Append(comments[0]).Append(comments[2])) await tenant.Http.WaitForRunAsync(run, "completed");

        var flusher = service.Factory.Services.GetRequiredService<StepWindowFlusher>();
        var report = await Eventually.Async(async () => { await flusher.FlushAsync(default); return await ReportAsync(tenant); },
            r => r["digests"]!.AsArray().Sum(d => N(d!, "messagesSaved")) >= 2, "both digests' savings in the report");
        Assert.Equal((2, 1), (N(Row(report, "digests", "comments", "batch"), "absorbed"), N(Row(report, "digests", "comments", "batch"), "messagesSaved")));
        Assert.Equal((2, 1), (N(Row(report, "digests", "pings", "batch"), "absorbed"), N(Row(report, "digests", "pings", "batch"), "messagesSaved")));
    }
}
