using System.Text.Json.Nodes;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Queue;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>
/// Starts a trigger's runs (or a topic fan-out chunk's) in the caller's transaction, one per recipient, and sets each
/// going: its first step's job, or, when the workflow opens with a digest the same for every recipient
/// (<see cref="JoinAtAccept"/>), its window joined at once, all recipients in one statement, and no job per run.
/// </summary>
public sealed class RunStarts(IStepWindows windows, JobQueue queue, TimeProvider clock, IStepWindowObserver windowCounts)
{
    /// <param name="testRun">A test run of the editor: flagged, its sends sandboxed, its delays shortened
    /// (<see cref="WorkflowTestRuns"/>).</param>
    /// <returns>The runs started, in the order of <paramref name="userIds"/>: a fan-out's member it started before is left out.</returns>
    public async Task<List<Guid>> StartAsync(LedgerTransaction tx, Guid tenantId, StoredWorkflow workflow, IEnumerable<string> userIds,
        JsonNode? actor, JsonNode? data, string? cancellationKey, Guid? fanOutId, CancellationToken ct, bool testRun = false)
    {
        var now = clock.GetUtcNow();
        var joins = JoinAtAccept.For(workflow.Definition, data, actor, now);
        var (start, actorJson, dataJson) = (joins?.State ?? RunState.Start(workflow.Definition), actor?.ToJsonString(),
            data?.ToJsonString());
        var runs = userIds.Select(userId => new NewRun(Uuid7.New(), tenantId, workflow.WorkflowId, workflow.Key, workflow.Version, userId,
            actorJson, dataJson, cancellationKey, start, fanOutId, testRun)).ToList();
        var inserted = (await RunStore.InsertAsync(tx.Connection, tx.Transaction, runs, joins?.Events ?? [], ct)).ToHashSet();
        var started = runs.Where(r => inserted.Contains(r.Id)).ToList();
        bool queued;
        if (joins?.Effects[0] is RunEffect.JoinDigest join)
        {
            queued = await windows.JoinAllAsync(tx.Connection, tx.Transaction, tenantId, workflow.WorkflowId, join, now,
                [.. started.Select(r => (r.Id, r.UserId))], actor, ct);
            tx.Count(windowCounts, tenantId, workflow.Key, join.StepId, StepWindowMeasures.Absorbed,
                started.Count);   // every run's event joined
        }
        else
            queued = (await queue.EnqueueAsync(tx.Connection, tx.Transaction,
                started.Select(r => WorkflowStepJob.For(tenantId, r.Id, WorkflowStepJob.Continue, 0)).ToList(), ct)).Length > 0;
        // Workers look for new jobs when woken: a trigger whose events only joined open windows queued none.
        if (queued) tx.WakeAfterCommit(WorkflowStepJob.Queue);
        return [.. started.Select(r => r.Id)];
    }
}
