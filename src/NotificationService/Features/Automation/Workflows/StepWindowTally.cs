using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>
/// Hands what a digest or throttle step did to the analytics rollup (<see cref="IStepWindowObserver"/>) once the transaction
/// that did it commits: a rolled-back join or end counts nothing, and the run's own statements are unchanged. A workflow
/// test run counts nothing, as its sandboxed sends are not counted in delivery analytics.
/// </summary>
public static class StepWindowTally
{
    public static void Count(this LedgerTransaction tx, IStepWindowObserver observer, RunRow run, string stepId, string measure, long n = 1)
    {
        if (!run.TestRun) tx.Count(observer, run.TenantId, run.WorkflowKey, stepId, measure, n);
    }

    public static void Count(this LedgerTransaction tx, IStepWindowObserver observer, Guid tenantId, string workflow, string stepId,
        string measure, long n = 1)
    {
        if (n > 0) tx.AfterCommit(() => observer.Counted(new StepWindowCount(tenantId, workflow, stepId, measure, n)));
    }

    /// <summary>The messages a transition saved: its run ended `digested` (another run's message carries its event) or
    /// `throttled`, as its timeline says.</summary>
    public static void CountEnding(this LedgerTransaction tx, IStepWindowObserver observer, RunRow run, Transition t)
    {
        if (run.TestRun) return;
        foreach (var e in t.Events)
            if (e is { What: StepWindowMeasures.Digested or StepWindowMeasures.Throttled, StepId: { } step })
                tx.Count(observer, run, step, e.What);
    }

    /// <summary>A digest join absorbed the run's event unless it passed alone at once (a backoff window's first event); a live
    /// in-app window's first event passes as the item that becomes the digest, so it counts.</summary>
    public static bool Absorbs(DigestJoin joined, RunEffect.JoinDigest join) =>
        joined != DigestJoin.PassesFirst || join.Plan.LiveSendStep is not null;
}
