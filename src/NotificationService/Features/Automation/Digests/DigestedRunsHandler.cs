using NotificationService.Features.Automation.Workflows;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Queue;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.Automation.Digests;

/// <summary>
/// Runs `digest-digested` jobs: each job's runs move on in one transaction, each through the engine as its own `digested`
/// input (the interpreter decides each transition; a run that moved meanwhile, cancelled say, is stale and moves nothing),
/// all locked at once in id order and saved together (<see cref="WorkflowEngine.ApplyManyAsync"/>). A failure rolls back
/// the job's every move, and the job splits into one job per run, each retried on its own: one run that cannot move never
/// holds back the others.
/// </summary>
public sealed class DigestedRunsHandler(NotificationLedger ledger, WorkflowEngine engine, ILogger<DigestedRunsHandler> log)
    : JobHandler<DigestedRunsJob>
{
    protected override async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<(Job Job, DigestedRunsJob Args)> jobs,
        CancellationToken ct)
    {
        var results = new List<JobResult>(jobs.Count);
        foreach (var (job, args) in jobs)
        {
            try
            {
                await using var tx = await ledger.BeginAsync(ct);
                await engine.ApplyManyAsync(tx, job.TenantId,
                    [.. args.Runs.Zip(args.Seqs, (run, seq) => (run, (RunInput)new RunInput.Digested(seq, args.Carrier)))], ct);
                await tx.CommitAsync(ct);
                results.Add(JobResult.Done);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.LogError(e, "digest carried by run {Carrier}: moving {Runs} digested runs failed; each will be retried on its own",
                    args.Carrier, args.Runs.Length);
                var retry = new JobResult.Retry($"{e.GetType().Name}: {e.Message}");
                results.Add(args.Runs.Length == 1 ? retry
                    : new JobResult.Split([.. args.Runs.Zip(args.Seqs)
                        .Select(r => JobPart.For(args with { Runs = [r.First], Seqs = [r.Second] }, retry))]));
            }
        }
        return results;
    }
}
