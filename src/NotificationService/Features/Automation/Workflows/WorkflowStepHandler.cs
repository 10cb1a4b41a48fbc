using NotificationService.Queue;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>
/// The `workflow-step` jobs of the `workflows` queue: each job is one transition in a transaction of its own (see
/// <see cref="WorkflowEngine"/>), so one run's failure never holds back another's. A job whose transition threw (the
/// database, say) is retried; a stale one is simply done.
///
/// A claimed batch's transitions run side by side, at most `Workflows:TransitionsInParallel` (8) at once in the process
/// whatever the batches in flight: one at a time, a batch of 100 delays coming due together waited on 100 commits in
/// a row, and 1,000 due per second fell seconds behind (BENCHMARKS.md, issue 33). Each transition holds one pooled
/// connection (its profile read shares it), so the bound keeps the workflows well inside the pool.
/// </summary>
public sealed class WorkflowStepHandler(WorkflowEngine engine, WorkflowOptions options, ILogger<WorkflowStepHandler> log)
    : JobHandler<WorkflowStepJob>
{
    private readonly SemaphoreSlim _slots = new(options.TransitionsInParallel, options.TransitionsInParallel);

    protected override async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<(Job Job, WorkflowStepJob Args)> jobs,
        CancellationToken ct)
    {
        var results = new JobResult[jobs.Count];
        await Task.WhenAll(jobs.Select(async (j, i) =>
        {
            await _slots.WaitAsync(ct);
            try { results[i] = await ApplyAsync(j.Job, j.Args, ct); }
            finally { _slots.Release(); }
        }));
        return results;
    }

    private async Task<JobResult> ApplyAsync(Job job, WorkflowStepJob args, CancellationToken ct)
    {
        try
        {
            await engine.ApplyAsync(job.TenantId, args.RunId, args.Input(), ct);
            return JobResult.Done;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogError(e, "workflow run {RunId}: the {Kind} transition at seq {Seq} failed; it will be retried",
                args.RunId, args.Kind, args.Seq);
            return new JobResult.Retry($"{e.GetType().Name}: {e.Message}");
        }
    }
}
