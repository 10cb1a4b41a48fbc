using System.Text.Json.Serialization;

namespace NotificationService.Workflows.Runs;

/// <summary>A run's state as the API names it: running, waiting, completed, cancelled or failed.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
public enum RunStatus { Running, Waiting, Completed, Cancelled, Failed }

/// <summary>Where a run is within its step: about to execute it (<see cref="Ready"/>), in a delay, in a wait, or ended.
/// A cancelled run keeps its phase, so that a resume knows what to restart.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunPhase>))]
public enum RunPhase { Ready, Delaying, Waiting, Ended }

/// <summary>
/// Everything the interpreter needs to go on: the step it is at (<see cref="Cursor"/>, null past the last step), the phase,
/// and <see cref="Seq"/>, the number of transitions so far. Every job a transition schedules carries the seq it was made
/// at, and only a job whose seq is the run's current one moves it: a job run twice (a crash after the commit and before
/// the queue's acknowledgement) finds the run already past it and changes nothing. <see cref="DueAt"/>: when the delay ends
/// or the wait times out. <see cref="Outcomes"/>: what each step did so far (sent, skipped, woken, timed_out, arm:N, …),
/// which conditions read as `steps.&lt;id&gt;.outcome`.
/// </summary>
public sealed record RunState(
    RunStatus Status,
    string? Cursor,
    RunPhase Phase,
    int Seq,
    DateTimeOffset? DueAt,
    IReadOnlyDictionary<string, string> Outcomes,
    string? EndReason = null)
{
    // Read from Status, so not stored: every run's row would carry them (a trigger's thousand runs, 35 bytes each).
    [JsonIgnore]
    public bool IsEnded => Status is RunStatus.Completed or RunStatus.Failed;
    [JsonIgnore]
    public bool IsTerminal => Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;

    public static RunState Start(Definitions.WorkflowDefinition definition) =>
        new(RunStatus.Running, definition.Steps.FirstOrDefault()?.Id, RunPhase.Ready, 0, null, new Dictionary<string, string>());
}

/// <summary>What moves a run. Seq-carrying inputs apply only at the run's current seq (see <see cref="RunState"/>).</summary>
public abstract record RunInput
{
    /// <summary>Execute the step at the cursor (the trigger's first job is Continue(0)).</summary>
    public sealed record Continue(int Seq) : RunInput;

    /// <summary>The delay made at <paramref name="Seq"/> is over.</summary>
    public sealed record TimerDue(int Seq) : RunInput;

    /// <summary>The wait registered at <paramref name="Seq"/> saw its status or event.</summary>
    public sealed record Woken(int Seq, string? Detail = null) : RunInput;

    /// <summary>The wait registered at <paramref name="Seq"/> reached its timeout first.</summary>
    public sealed record TimedOut(int Seq) : RunInput;

    /// <summary>The digest window the run joined at <paramref name="Seq"/> closed and this run carries it (or it was the
    /// first event of a backoff window, which passes at once).</summary>
    public sealed record Carried(int Seq) : RunInput;

    /// <summary>The digest window the run joined at <paramref name="Seq"/> closed and <paramref name="CarriedBy"/> carries it.</summary>
    public sealed record Digested(int Seq, Guid CarriedBy) : RunInput;

    /// <summary>The throttle the run reached at <paramref name="Seq"/> let it through.</summary>
    public sealed record Admitted(int Seq) : RunInput;

    /// <summary>The throttle the run reached at <paramref name="Seq"/> was full until <paramref name="WindowEnd"/>.</summary>
    public sealed record Limited(int Seq, DateTimeOffset WindowEnd) : RunInput;

    public sealed record Cancel(string? Reason = null) : RunInput;

    /// <summary>A cancelled run goes on from where it was cancelled.</summary>
    public sealed record Resume : RunInput;
}

/// <summary>What the host does for a transition, inside the same transaction as the new state.</summary>
public abstract record RunEffect
{
    /// <summary>Send the step's template on each channel through the ordinary send path, keyed (run, step, channel).</summary>
    public sealed record Send(string StepId, IReadOnlyList<string> Channels, string Template,
        System.Text.Json.Nodes.JsonObject? Data) : RunEffect;

    /// <summary>A job now that continues the run at <paramref name="Seq"/>.</summary>
    public sealed record Continue(int Seq) : RunEffect;

    /// <summary>A job at <paramref name="DueAt"/> that ends the delay made at <paramref name="Seq"/>.</summary>
    public sealed record Timer(int Seq, DateTimeOffset DueAt) : RunEffect;

    /// <summary>A wait row for the step's notification status or the named event, and its timeout job at
    /// <paramref name="DueAt"/>.</summary>
    public sealed record Wait(int Seq, string StepId, string? SendStep, IReadOnlyList<string> Statuses, string? Event, string? EventKey,
        DateTimeOffset DueAt) : RunEffect;

    /// <summary>The wait or delay made at <paramref name="Seq"/> stops (cancel): its row and its due job go; a run in a digest
    /// window (<paramref name="LeavesDigest"/>) takes its event back out of the window while it is open.</summary>
    public sealed record Release(int Seq, bool LeavesDigest = false) : RunEffect;

    /// <summary>Join the open window of the step for the run's recipient and <paramref name="Key"/>, or open one by
    /// <paramref name="Plan"/>; the window's close moves the run on (<see cref="RunInput.Carried"/> or
    /// <see cref="RunInput.Digested"/>).</summary>
    public sealed record JoinDigest(int Seq, string StepId, string Key, DigestPlan Plan) : RunEffect;

    /// <summary>Take a place in the step's throttle window for the run's recipient and <paramref name="Key"/>; the host answers at
    /// once, in the same transaction, with <see cref="RunInput.Admitted"/> or <see cref="RunInput.Limited"/>.</summary>
    public sealed record TakeThrottle(int Seq, string StepId, string Key, int Limit, TimeSpan Window) : RunEffect;

    /// <summary>The run ended (completed, failed or cancelled): tell the tenant (webhook).</summary>
    public sealed record Ended(RunStatus Status, string? Reason) : RunEffect;
}

/// <summary>One line of the run's timeline. <paramref name="What"/>: started, sent, skipped, delayed, delay_passed, waiting,
/// woken, timed_out, arm, otherwise, exited, completed, failed, cancelled, resumed, digesting, carried, digested, admitted,
/// throttled. <paramref name="Detail"/>: why.</summary>
public sealed record StepEvent(string? StepId, string What, string? Detail = null);

/// <summary>The result of applying an input: the next state, the effects to perform and the timeline lines to record, all in
/// one transaction. <see cref="Changed"/> false: the input was stale (or a duplicate) and nothing is to be written.</summary>
public sealed record Transition(RunState State, IReadOnlyList<RunEffect> Effects, IReadOnlyList<StepEvent> Events, bool Changed,
    string? Ignored = null)
{
    public static Transition Stale(RunState state, string why) => new(state, [], [], false, why);
}
