using NotificationService.Queue;

namespace NotificationService.Features.Workflows;

/// <summary>
/// The `workflow-step` jobs of the `workflows` queue: each job is one transition in a transaction of its own (see
/// <see cref="WorkflowEngine"/>), so one run's failure never holds back another's. A job whose transition threw (the
/// database, say) is retried; a stale one is simply done.
/// </summary>
public sealed class WorkflowStepHandler(WorkflowEngine engine, ILogger<WorkflowStepHandler> log) : JobHandler<WorkflowStepJob>
{
    protected override async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<(Job Job, WorkflowStepJob Args)> jobs, CancellationToken ct)
    {
        var results = new JobResult[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            var (job, args) = jobs[i];
            try
            {
                await engine.ApplyAsync(job.TenantId, args.RunId, args.Input(), ct);
                results[i] = JobResult.Done;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.LogError(e, "workflow run {RunId}: the {Kind} transition at seq {Seq} failed; it will be retried", args.RunId, args.Kind, args.Seq);
                results[i] = new JobResult.Retry($"{e.GetType().Name}: {e.Message}");
            }
        }
        return results;
    }
}
