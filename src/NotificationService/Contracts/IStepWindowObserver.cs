namespace NotificationService.Contracts;

/// <summary>What a digest or throttle step did, counted once the transaction that did it has committed.</summary>
/// <param name="Workflow">The workflow's key.</param>
/// <param name="Measure">One of <see cref="StepWindowMeasures"/>.</param>
public readonly record struct StepWindowCount(Guid TenantId, string Workflow, string StepId, string Measure, long Count);

/// <summary>The measures of digest and throttle steps, as the analytics rollup names them.</summary>
public static class StepWindowMeasures
{
    /// <summary>A digest: an event joined a window (a live in-app window's first event too: its item is the digest).</summary>
    public const string Absorbed = "absorbed";

    /// <summary>A digest: a cancelled run took its event back out of an open window.</summary>
    public const string Left = "left";

    /// <summary>A digest: a run ended `digested`, its event carried by another run's message (a message saved).</summary>
    public const string Digested = "digested";

    /// <summary>A throttle let a run through.</summary>
    public const string Passed = "passed";

    /// <summary>A throttle held a run back (it ends throttled, or with `onLimit: delay` waits for the next window).</summary>
    public const string Held = "held";

    /// <summary>A throttle ended a run `throttled`: a message saved.</summary>
    public const string Throttled = "throttled";

    public static readonly IReadOnlySet<string> All =
        new HashSet<string>(StringComparer.Ordinal) { Absorbed, Left, Digested, Passed, Held, Throttled };
}

/// <summary>
/// Hears what digest and throttle steps did, in memory, after the commit (never on the run's transaction): the analytics
/// flush writes the counts later, in batches, as it does the ledger's.
/// </summary>
public interface IStepWindowObserver
{
    void Counted(StepWindowCount count);
}
