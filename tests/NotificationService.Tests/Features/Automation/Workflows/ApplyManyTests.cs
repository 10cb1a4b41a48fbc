using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Tests.Features.Automation.Digests;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Support;
using NotificationService.Workflows.Runs;

namespace NotificationService.Tests.Features.Automation.Workflows;

/// <summary>
/// Many runs moved in one transaction (a closed digest's `digested` runs): each transition is the interpreter's, as one
/// by one; the runs that end are saved together with their timeline lines in order; a run that moved on is left as it is;
/// a wait's wake-up or timeout, which settle a wait row first, is refused.
/// </summary>
[Collection("service")]
public class ApplyManyTests(ServiceFixture service)
{
    private async Task ApplyManyAsync(Guid tenantId, IReadOnlyList<(Guid RunId, RunInput Input)> moves)
    {
        await using var tx = await service.Factory.Services.GetRequiredService<NotificationLedger>().BeginAsync(default);
        await service.Factory.Services.GetRequiredService<WorkflowEngine>().ApplyManyAsync(tx, tenantId, moves, default);
        await tx.CommitAsync(default);
    }

    [Fact]
    public async Task Digested_runs_end_together_each_with_its_lines_and_a_run_that_moved_on_stays_as_it_is()
    {
        var tenant = await service.TenantAsync();
        await tenant.Http.PublishWorkflowAsync(DigestApi.Flow(DigestApi.Batch, DigestApi.Mail));
        var runs = new[] { await tenant.Http.CommentAsync("t1", "a"), await tenant.Http.CommentAsync("t1", "b"), await tenant.Http.CommentAsync("t1", "c") };
        foreach (var run in runs) await tenant.Http.WaitForWaitAsync(run, "batch");
        var seq = await service.ScalarAsync<int>("select seq from workflow_runs where tenant_id = $1 and id = $2", tenant.Id, runs[1]);

        // The third is told a seq it has left behind: stale, as a run cancelled after its window closed would be.
        await ApplyManyAsync(tenant.Id, [(runs[2], new RunInput.Digested(seq + 1, runs[0])), (runs[1], new RunInput.Digested(seq, runs[0]))]);

        var digested = await tenant.Http.RunAsync(runs[1]);
        Assert.Equal(("completed", $"digested: run {runs[0]} carries its event"), (digested.Text("state"), digested.Text("reason")));
        var lines = digested["timeline"]!.AsArray().Select(e => (e.Text("what"), e!["detail"]?.GetValue<string>())).ToList();
        Assert.Equal([("digested", $"carried by run {runs[0]}"), ("completed", $"digested: run {runs[0]} carries its event")], lines[^2..]);
        Assert.NotNull(digested["endedAt"]);
        Assert.Equal(seq + 1, await service.ScalarAsync<int>("select seq from workflow_runs where tenant_id = $1 and id = $2", tenant.Id, runs[1]));
        Assert.Equal("waiting", (await tenant.Http.RunAsync(runs[2])).Text("state"));
        Assert.Equal("waiting", (await tenant.Http.RunAsync(runs[0])).Text("state"));
    }

    [Fact]
    public async Task A_wake_up_or_a_timeout_is_refused_and_moves_nothing()
    {
        var tenant = await service.TenantAsync();
        await tenant.Http.PublishWorkflowAsync(DigestApi.Flow(DigestApi.Batch, DigestApi.Mail));
        var run = await tenant.Http.CommentAsync("t1", "a");
        await tenant.Http.WaitForWaitAsync(run, "batch");

        await Assert.ThrowsAsync<ArgumentException>(() => ApplyManyAsync(tenant.Id, [(run, new RunInput.TimedOut(1))]));
        Assert.Equal("waiting", (await tenant.Http.RunAsync(run)).Text("state"));
    }
}
