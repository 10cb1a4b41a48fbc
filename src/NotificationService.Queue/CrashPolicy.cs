namespace NotificationService.Queue;

/// <summary>
/// What the rescuer does with a job whose lease expired, as a pure function. An expired lease means the worker holding
/// the job died (a live worker extends its leases and acknowledges what it finishes), so it counts as a crash of that
/// job. Below <see cref="CrashesBeforeSetAside"/> the job goes back to ready (or dead when its attempts are spent);
/// at it the job is set aside: dead, with a reason distinct from every ordinary failure, so that a job whose handling
/// kills the process (a stack overflow, an OOM, a fail-fast) stops taking workers down one after another.
/// </summary>
public sealed record CrashPolicy(int CrashesBeforeSetAside = 2)
{
    public static CrashPolicy Default { get; } = new();

    /// <summary>The words every set-aside job's error, and whatever its handler ends with it, carry.</summary>
    public const string SetAsideReason = "its handling stopped the worker";

    /// <param name="crashes">The job's crashes, counting this one.</param>
    /// <param name="attempt">The attempt that was running (claims count attempts).</param>
    /// <param name="worker">The worker that held it (for the error of a job that goes back to ready; the logs name it otherwise).</param>
    public RescueVerdict Judge(int crashes, int attempt, int maxAttempts, string? worker)
    {
        if (crashes >= Math.Max(1, CrashesBeforeSetAside))
            return new RescueVerdict(RescueOutcome.SetAside, $"set aside: {SetAsideReason} {Times(crashes)}");
        if (attempt >= maxAttempts)
            return new RescueVerdict(RescueOutcome.Exhausted, "attempts exhausted: the worker stopped before finishing");
        return new RescueVerdict(RescueOutcome.Returned, $"lease expired: the worker stopped before finishing ({worker ?? "?"})");
    }

    private static string Times(int n) => n == 1 ? "once" : $"{n} times";
}

public enum RescueOutcome { Returned, Exhausted, SetAside }

/// <summary>A rescued job's fate and its new error. Dead (exhausted or set aside) ends what the job stands for.</summary>
public sealed record RescueVerdict(RescueOutcome Outcome, string Error)
{
    public bool Dead => Outcome != RescueOutcome.Returned;
    public string State => Dead ? "dead" : "ready";
}
