using System.Text.Json.Nodes;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Hosting;
using NotificationService.Infrastructure;
using NotificationService.Queue;
using NotificationService.Workflows.Conditions;
using NotificationService.Workflows.Definitions;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>
/// Moves runs: one input, one transaction. It locks the run, asks the pure interpreter for the transition, performs the
/// effects in the same transaction (the send through the ordinary accept path, the next job, a timer, a wait row, the
/// webhook of a run that ended) and saves the new state with its timeline. A crash before the commit leaves everything as
/// it was (the job comes back); a crash after it leaves a job whose seq the run has left behind, which moves nothing.
/// </summary>
public sealed partial class WorkflowEngine(NotificationLedger ledger, WorkflowStore store, RunContexts contexts, StepSender sender,
    RunEndings endings, IStepWindows windows, JobQueue queue, WorkflowOptions options, TimeProvider clock, ILogger<WorkflowEngine> log,
    IStepWindowObserver windowCounts)
{
    /// <summary>Applies <paramref name="input"/> to the run in a transaction of its own; null when there is no such run.</summary>
    public async Task<Transition?> ApplyAsync(Guid tenantId, Guid runId, RunInput input, CancellationToken ct)
    {
        await using var tx = await ledger.BeginAsync(ct);
        var t = await ApplyAsync(tx, tenantId, runId, input, ct);
        await tx.CommitAsync(ct);
        return t;
    }

    /// <summary>The same inside the caller's transaction (a bulk cancel moves many runs in one).</summary>
    public async Task<Transition?> ApplyAsync(LedgerTransaction tx, Guid tenantId, Guid runId, RunInput input, CancellationToken ct)
    {
        var (conn, dbTx) = (tx.Connection, tx.Transaction);
        if (await RunStore.LockAsync(conn, dbTx, tenantId, runId, ct) is not { } run) return null;
        var state = run.Machine;
        switch (input)
        {
            // The wait row decides between its timeout and a wake-up: whichever left `waiting` first wins.
            case RunInput.TimedOut t when state.Phase == RunPhase.Waiting && t.Seq == state.Seq
                                          && !await WaitStore.LeaveAsync(conn, dbTx, tenantId, runId, t.Seq, "timed_out", null, ct):
                return Transition.Stale(state, "woken before its timeout");
            case RunInput.Woken w:
                input = w with { Detail = await WaitStore.DetailAsync(conn, dbTx, tenantId, runId, w.Seq, ct) };
                break;
        }
        var (transition, workflow) = await DecideAsync(tx, run, input, ct);
        if (!transition.Changed) return transition;
        return await SaveAsync(tx, run, transition, ct, workflow);
    }

    /// <summary>The interpreter's transition for the locked run, at its pinned version. A version that is gone fails the run
    /// (workflow null).</summary>
    private async Task<(Transition Transition, StoredWorkflow? Workflow)> DecideAsync(LedgerTransaction tx, RunRow run, RunInput input,
        CancellationToken ct)
    {
        if (await store.VersionAsync(run.TenantId, run.WorkflowId, run.Version, ct) is not { } workflow)
            return (Interpreter.Fail(run.Machine, run.Machine.Cursor, $"version {run.Version} of the workflow is gone"), null);
        return (await TransitionAsync(tx, run, workflow.Definition, input, ct), workflow);
    }

    /// <summary>The interpreter asked without the run's context first; the context (profile, sends, carried digests) is read
    /// only when the transition reads it, which the interpreter says rather than a list of the steps that might.</summary>
    private async Task<Transition> TransitionAsync(LedgerTransaction tx, RunRow run, WorkflowDefinition definition, RunInput input,
        CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return Interpreter.ApplyUnlessContextRead(definition, run.Machine, input, now)
            ?? Interpreter.Apply(definition, run.Machine, input, now,
                await contexts.ForAsync(tx.Connection, tx.Transaction, run, definition, ct));
    }

    /// <summary>Saves the transition and performs its effects. A window that answers at once (a throttle's place, a backoff
    /// window's first event passing) is a second input, applied here in the same transaction and saved after the first.</summary>
    private async Task<Transition> SaveAsync(LedgerTransaction tx, RunRow run, Transition t, CancellationToken ct,
        StoredWorkflow? workflow = null)
    {
        var (conn, dbTx) = (tx.Connection, tx.Transaction);
        var now = clock.GetUtcNow();
        var dueJob = t.State.Phase is RunPhase.Delaying or RunPhase.Waiting && t.State.Status != RunStatus.Cancelled ? run.DueJobId : null;
        var sent = new Dictionary<string, Guid[]>();
        var jobs = new List<NewJob>();
        RunInput? answer = null;
        foreach (var effect in t.Effects)
        {
            switch (effect)
            {
                case RunEffect.Send send:
                    var carried = workflow!.Definition.HasDigestSteps
                        ? await windows.CarriedAsync(conn, dbTx, run.TenantId, run.Id, ct)
                        : null;
                    var made = await sender.TrySendAsync(tx, run, workflow!, send, carried, ct);
                    if (made.Error is { } error)   // nothing was written: the run fails at this step instead
                        return await SaveAsync(tx, run, Interpreter.Fail(run.Machine, send.StepId, error), ct);
                    sent[send.StepId] = made.NotificationIds;
                    break;
                case RunEffect.Continue c:
                    jobs.Add(WorkflowStepJob.For(run.TenantId, run.Id, WorkflowStepJob.Continue, c.Seq));
                    break;
                case RunEffect.Timer timer:
                    var timerDue = Scaled(timer.DueAt, now, run.TestRun);
                    dueJob = (await queue.EnqueueAsync(conn, dbTx,
                        [WorkflowStepJob.For(run.TenantId, run.Id, WorkflowStepJob.Timer, timer.Seq, timerDue)], ct))[0];
                    break;
                case RunEffect.Wait wait:
                    var due = Scaled(wait.DueAt, now, run.TestRun);
                    await WaitStore.InsertAsync(conn, dbTx, run.TenantId, run.Id, run.UserId, wait, due, ct);
                    dueJob = (await queue.EnqueueAsync(conn, dbTx,
                        [WorkflowStepJob.For(run.TenantId, run.Id, WorkflowStepJob.Timeout, wait.Seq, due)], ct))[0];
                    // Reached before the wait existed (the send's rows are locked now, so nothing slips between): woken at once.
                    if (wait.SendStep is { } step
                        && (await WorkflowSends.LockReachedAsync(conn, dbTx, run.TenantId, run.Id, step, ct))
                            .Intersect(wait.Statuses).FirstOrDefault() is { } already
                        && await WaitStore.LeaveAsync(conn, dbTx, run.TenantId, run.Id, wait.Seq, "woken",
                            $"status {already} (already reached)", ct))
                        jobs.Add(WorkflowStepJob.For(run.TenantId, run.Id, WorkflowStepJob.Woken, wait.Seq));
                    break;
                case RunEffect.JoinDigest join:
                    var joined = await windows.JoinAsync(conn, dbTx, run, join, t.State.Seq, ct);
                    if (joined == DigestJoin.PassesFirst) answer = new RunInput.Carried(t.State.Seq);
                    if (StepWindowTally.Absorbs(joined, join)) tx.Count(windowCounts, run, join.StepId, StepWindowMeasures.Absorbed);
                    break;
                case RunEffect.TakeThrottle take:
                    var place = await windows.TakeAsync(conn, dbTx, run, take, now, ct);
                    answer = place.Admitted ? new RunInput.Admitted(t.State.Seq) : new RunInput.Limited(t.State.Seq, place.WindowEnd);
                    tx.Count(windowCounts, run, take.StepId, place.Admitted ? StepWindowMeasures.Passed : StepWindowMeasures.Held);
                    break;
                case RunEffect.Release release:
                    if (release.LeavesDigest && await windows.LeaveAsync(conn, dbTx, run.TenantId, run.Id, ct)
                        && run.Machine.Cursor is { } left)
                        tx.Count(windowCounts, run, left, StepWindowMeasures.Left);
                    await WaitStore.LeaveAsync(conn, dbTx, run.TenantId, run.Id, release.Seq, "released", "the run was cancelled", ct);
                    if (run.DueJobId is { } job)
                        await queue.CancelAsync(conn, dbTx, run.TenantId, job, ct);   // gone at once; claimed already: stale
                    dueJob = null;
                    break;
                case RunEffect.Ended ended:
                    await endings.PublishAsync(tx, run, ended, ct);
                    break;
            }
        }
        if (jobs.Count > 0) await queue.EnqueueAsync(conn, dbTx, jobs, ct);
        tx.WakeAfterCommit(WorkflowStepJob.Queue);
        var events = t.Events.Select(e => (e, e is { What: "sent", StepId: { } id } ? sent.GetValueOrDefault(id) : null)).ToList();
        await RunStore.SaveAsync(conn, dbTx, run, t.State, dueJob, events, ct);
        tx.CountEnding(windowCounts, run, t);
        if (t.State.Status == RunStatus.Failed)
            log.LogWarning("workflow run {RunId} ({Workflow}) failed: {Reason}", run.Id, run.WorkflowKey, t.State.EndReason);
        if (answer is null || workflow is null) return t;
        var moved = run with { Machine = t.State, DueJobId = dueJob };
        var next = await TransitionAsync(tx, moved, workflow.Definition, answer, ct);   // a context read now holds the digest it carries
        return next.Changed ? await SaveAsync(tx, moved, next, ct, workflow) : t;
    }

    /// <summary>`Workflows:DurationScale` (1; a test setting) shortens delays and waits: a spec can run the escalation's 30
    /// minutes in a second. A test run's are shortened by `Workflows:TestRunScale` too (1/60: an hour's wait takes a
    /// minute). The run's own state keeps the real due time.</summary>
    private DateTimeOffset Scaled(DateTimeOffset due, DateTimeOffset now, bool testRun)
    {
        var scale = options.DurationScale * (testRun ? options.TestRunScale : 1);
        return scale == 1 ? due : now + (due - now) * scale;
    }
}

public sealed record WorkflowOptions(double DurationScale, int TransitionsInParallel = 8,
    double TestRunScale = WorkflowOptions.DefaultTestRunScale)
{
    /// <summary>A test run's delays and wait timeouts take this share of their time: an hour becomes a minute.</summary>
    public const double DefaultTestRunScale = 1.0 / 60;
    /// <summary>The smallest test factor: a day becomes a second, and no shorter (a wait for a read still gets a moment).</summary>
    public const double LeastTestRunScale = 1.0 / 86_400;

    public static WorkflowOptions From(IConfiguration config)
    {
        var scale = config.GetValue("Workflows:DurationScale", 1.0);
        if (scale is <= 0 or > 1)
            throw new InvalidConfigurationException("Workflows:DurationScale must be above 0 and at most 1 (a test setting).");
        var parallel = config.GetValue("Workflows:TransitionsInParallel", 8);
        if (parallel is < 1 or > 64) throw new InvalidConfigurationException("Workflows:TransitionsInParallel must be 1 to 64.");
        var testRun = config.GetValue("Workflows:TestRunScale", DefaultTestRunScale);
        if (testRun is < LeastTestRunScale or > 1)
            throw new InvalidConfigurationException(
                "Workflows:TestRunScale must be from 1/86400 (a day becomes a second) to 1 (test runs keep real time).");
        return new WorkflowOptions(scale, parallel, testRun);
    }
}
