using System.Text.Json.Nodes;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Automation.Workflows;

/// <summary>A run's timeline opens with its start, which is the run's own row (when, which version, and what a run that
/// starts past its first transition did in it): no timeline row is stored for it, and a run stored when it was one shows
/// it once.</summary>
[Collection("service")]
public class RunTimelineTests(ServiceFixture service)
{
    private async Task<(TestTenant Tenant, Guid Run)> CompletedRunAsync()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.CreateTemplateAsync(new { key = "note", channel = "in_app", locale = "en", parts = new { title = "Note", body = "{{msg}}" } });
        await tenant.Http.PublishWorkflowAsync("""{"key":"flow","name":"Flow","steps":[{"id":"a","type":"send","channels":["in_app"],"template":"note"}]}""");
        var run = (await tenant.Http.TriggerAsync("flow", new { recipients = new[] { "ada" }, data = new { msg = "hello" } })).Single();
        await tenant.Http.WaitForRunAsync(run, "completed");
        return (tenant, run);
    }

    private static string[] Whats(JsonNode run) => [.. run["timeline"]!.AsArray().Select(e => e!["what"]!.GetValue<string>())];

    [Fact]
    public async Task A_runs_timeline_starts_with_its_start_read_from_the_run_and_stores_no_line_for_it()
    {
        var (tenant, runId) = await CompletedRunAsync();
        var run = await tenant.Http.RunAsync(runId);

        var first = run["timeline"]![0]!;
        Assert.Equal(("started", "version 1"), (first["what"]!.GetValue<string>(), first["detail"]!.GetValue<string>()));
        Assert.Equal(run["createdAt"]!.GetValue<DateTimeOffset>(), first["at"]!.GetValue<DateTimeOffset>());
        Assert.Single(Whats(run), w => w == "started");
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from workflow_run_events where tenant_id = $1 and run_id = $2 and what = 'started'",
            tenant.Id, runId));
    }

    [Fact]
    public async Task A_run_stored_with_its_start_as_a_timeline_row_shows_it_once()
    {
        var (tenant, runId) = await CompletedRunAsync();
        await service.ScalarAsync<long>("""
            with stored_before as (update workflow_runs set start_lines = null where tenant_id = $1 and id = $2)
            insert into workflow_run_events (tenant_id, run_id, n, what, detail, at) overriding system value
            select tenant_id, id, 0, 'started', 'version ' || version, created_at from workflow_runs where tenant_id = $1 and id = $2
            returning n
            """, tenant.Id, runId);

        var run = await tenant.Http.RunAsync(runId);
        Assert.Equal("started", Whats(run)[0]);
        Assert.Single(Whats(run), w => w == "started");
        Assert.Equal("completed", Whats(run)[^1]);
    }
}
