using NotificationService.Workflows.Conditions;
using NotificationService.Workflows.Definitions;

namespace NotificationService.Workflows.Runs;

/// <summary>Digest and throttle steps: the interpreter decides the window (its key and plan) and what the run does when the
/// host answers; the host keeps the window rows, whose unique keys make one window per recipient and key.</summary>
public static partial class Interpreter
{
    private delegate RunState Place(RunStatus status, string? at, RunPhase phase, DateTimeOffset? due = null, string? reason = null);

    /// <summary>The run waits in the window of its recipient and key (the key path's value; none: one per recipient).</summary>
    private static Transition Join(DigestStep digest, Place at, int seq, DateTimeOffset now, ConditionContext context,
        Dictionary<string, string> outcomes, List<StepEvent> events, StepIndex index)
    {
        var key = KeyOf(digest.Key, context, outcomes, out var note);
        var plan = DigestPlan.For(digest, now, context.TimeZone, context.Cadence);
        if (!plan.PassesFirst && plan.MaxEvents > 1 && LiveSend(index, digest) is { } live) plan = plan with { LiveSendStep = live };
        outcomes[digest.Id] = "digesting";
        var window = digest.UserSchedule && context.Cadence is { } cadence ? cadence.Describe() : digest.Window.Describe();
        var detail = window + (key.Length > 0 ? $" · key {key}" : "") + (plan.LiveSendStep is null ? "" : " · one live in-app item")
            + (note is null ? "" : $" ({note})");
        events.Add(new StepEvent(digest.Id, "digesting", detail));
        return new(at(RunStatus.Waiting, digest.Id, RunPhase.Waiting, plan.ClosesAt),
            [new RunEffect.JoinDigest(seq, digest.Id, key, plan)], events, true);
    }

    /// <summary>The send right after the digest step when it sends on `in_app` alone: its window is one live inbox item.</summary>
    private static string? LiveSend(StepIndex index, DigestStep digest) =>
        index.After(digest.Id) is { } next && index.Find(next) is SendStep { Channels: ["in_app"] } send ? send.Id : null;

    /// <summary>The run stops at the throttle; the host takes a place and answers with Admitted or Limited at this seq.</summary>
    private static Transition Take(ThrottleStep throttle, Place at, int seq, ConditionContext context, Dictionary<string, string> outcomes,
        List<StepEvent> events)
    {
        var key = KeyOf(throttle.Key, context, outcomes, out _);
        return new(at(RunStatus.Running, throttle.Id, RunPhase.Ready),
            [new RunEffect.TakeThrottle(seq, throttle.Id, key, throttle.Limit, throttle.Window)], events, true);
    }

    private static Transition Digested(RunState state, RunInput.Digested g)
    {
        var reason = $"digested: run {g.CarriedBy} carries its event";
        var next = state with
        {
            Status = RunStatus.Completed, Phase = RunPhase.Ended, Cursor = null, Seq = state.Seq + 1, DueAt = null, EndReason = reason,
            Outcomes = With(state.Outcomes, state.Cursor!, "digested"),
        };
        return new(next, [new RunEffect.Ended(RunStatus.Completed, reason)],
            [new StepEvent(state.Cursor, "digested", $"carried by run {g.CarriedBy}"), new StepEvent(null, "completed", reason)], true);
    }

    /// <summary>Over the limit: the run ends `throttled` (completed, with the window's end), or waits for the window to end.</summary>
    private static Transition Limited(RunState state, ThrottleStep throttle, RunInput.Limited l)
    {
        var seq = state.Seq + 1;
        var until = l.WindowEnd.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        var detail = $"{throttle.Limit} per {IsoDuration.Format(throttle.Window)} reached; the window ends {until}";
        if (throttle.Delay)
            return new(state with { Phase = RunPhase.Delaying, Seq = seq, DueAt = l.WindowEnd,
                    Outcomes = With(state.Outcomes, throttle.Id, "delayed") },
                [new RunEffect.Timer(seq, l.WindowEnd)], [new StepEvent(throttle.Id, "delayed", $"until {until} ({detail})")], true);
        var reason = $"throttled until {until}";
        var ended = state with
        {
            Status = RunStatus.Completed, Phase = RunPhase.Ended, Cursor = null, Seq = seq, DueAt = null, EndReason = reason,
            Outcomes = With(state.Outcomes, throttle.Id, "throttled"),
        };
        return new(ended, [new RunEffect.Ended(RunStatus.Completed, reason)],
            [new StepEvent(throttle.Id, "throttled", detail), new StepEvent(null, "completed", reason)], true);
    }

    /// <summary>A digest or throttle key: the key path's scalar value; "" without a path (one window per recipient and step),
    /// and "" with a note when the path finds nothing.</summary>
    private static string KeyOf(Condition? path, ConditionContext context, IReadOnlyDictionary<string, string> outcomes, out string? note)
    {
        note = null;
        if (path is null) return "";
        if (Scalar(path.Evaluate(Token(context, outcomes))) is { } key) return key;
        note = $"key path `{path.Text}` found nothing: the recipient's window without a key";
        return "";
    }
}
