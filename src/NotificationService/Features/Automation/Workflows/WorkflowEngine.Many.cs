using NotificationService.Features.Sending.Notifications;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.Automation.Workflows;

public sealed partial class WorkflowEngine
{
    /// <summary>
    /// Applies each input to its run in the caller's transaction, the runs locked together in id order. The interpreter
    /// decides every transition as in <see cref="ApplyAsync(LedgerTransaction, Guid, Guid, RunInput, CancellationToken)"/>;
    /// those that only end their run (a closed digest's `digested` moves, a hundred per job) are saved together in two
    /// statements, and any other is saved with its effects one by one. A run that is gone or moved on is left as it is.
    /// Not for a wait's wake-up or timeout, which first settle their wait row: those go one by one.
    /// </summary>
    public async Task ApplyManyAsync(LedgerTransaction tx, Guid tenantId, IReadOnlyList<(Guid RunId, RunInput Input)> moves,
        CancellationToken ct)
    {
        if (moves.FirstOrDefault(m => m.Input is RunInput.Woken or RunInput.TimedOut) is { Input: { } one })
            throw new ArgumentException($"{one.GetType().Name} settles a wait row first: apply it on its own", nameof(moves));
        var (conn, dbTx) = (tx.Connection, tx.Transaction);
        var inputs = moves.ToDictionary(m => m.RunId, m => m.Input);
        var ends = new List<(RunRow Run, Transition Transition)>();
        foreach (var run in await RunStore.LockManyAsync(conn, dbTx, tenantId, [.. inputs.Keys], ct))
        {
            var (transition, workflow) = await DecideAsync(tx, run, inputs[run.Id], ct);
            if (!transition.Changed) continue;
            if (workflow is not null && transition.Effects.All(e => e is RunEffect.Ended)) ends.Add((run, transition));
            else await SaveAsync(tx, run, transition, ct, workflow);
        }
        foreach (var (run, transition) in ends)
        {
            foreach (var ended in transition.Effects.OfType<RunEffect.Ended>()) await endings.PublishAsync(tx, run, ended, ct);
            tx.CountEnding(windowCounts, run, transition);
            if (transition.State.Status == RunStatus.Failed)
                log.LogWarning("workflow run {RunId} ({Workflow}) failed: {Reason}", run.Id, run.WorkflowKey, transition.State.EndReason);
        }
        await RunStore.SaveEndsAsync(conn, dbTx, tenantId,
            [.. ends.Select(e => new RunEnd(e.Run.Id, e.Transition.State, e.Transition.Events))], ct);
    }
}
