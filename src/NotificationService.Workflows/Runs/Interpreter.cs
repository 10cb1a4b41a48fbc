using System.Globalization;
using Newtonsoft.Json.Linq;
using NotificationService.Workflows.Conditions;
using NotificationService.Workflows.Definitions;

namespace NotificationService.Workflows.Runs;

/// <summary>
/// The pure heart of a run: given the definition, the run's state, an input and the context (the time, the data conditions
/// read), it returns the next state, the effects the host performs in the same transaction, and the timeline lines. It
/// never does I/O. Control-flow steps (a skipped step, a branch) are decided on the way; the walk stops at the first step
/// with an effect (a send, a delay, a wait, an exit, the end), so one transaction carries one effect-making step.
/// </summary>
public static partial class Interpreter
{
    /// <summary>The transition, decided without the run's context, when it reads none of it; null when it does. A `digested`
    /// input (a closed digest ends a hundred runs per job), a carried digest going on to its send, or a delay's timer then
    /// costs the host no read of the profile, the sends and the digests that conditions would see.</summary>
    public static Transition? ApplyUnlessContextRead(WorkflowDefinition definition, RunState state, RunInput input, DateTimeOffset now)
    {
        try { return Apply(definition, state, input, now, ConditionContext.NotRead); }
        catch (ContextNotReadException) { return null; }
    }

    public static Transition Apply(WorkflowDefinition definition, RunState state, RunInput input, DateTimeOffset now,
        ConditionContext context)
    {
        var index = StepIndex.Of(definition);
        return input switch
        {
            RunInput.Cancel c => Cancel(index, state, c),
            RunInput.Resume => Resume(definition, index, state, now, context),
            _ when state.Status is RunStatus.Cancelled => Transition.Stale(state, "the run is cancelled"),
            _ when state.IsEnded => Transition.Stale(state, "the run has ended"),
            RunInput.Continue c when state.Phase == RunPhase.Ready && c.Seq == state.Seq =>
                Walk(index, state, state.Cursor, now, context, []),
            // A throttle that delayed the run tries again when its window ends; a delay step goes on after itself.
            RunInput.TimerDue t when state.Phase == RunPhase.Delaying && t.Seq == state.Seq && index.Find(state.Cursor!) is ThrottleStep =>
                Walk(index, state, state.Cursor, now, context,
                    [new StepEvent(state.Cursor, "delay_passed", "the throttle's window ended")]),
            RunInput.TimerDue t when state.Phase == RunPhase.Delaying && t.Seq == state.Seq =>
                Walk(index, state, index.After(state.Cursor!), now, context, [new StepEvent(state.Cursor, "delay_passed")]),
            RunInput.Carried c when state.Phase == RunPhase.Waiting && c.Seq == state.Seq && index.Find(state.Cursor!) is DigestStep d =>
                Walk(index, state with { Outcomes = With(state.Outcomes, d.Id, "carried"), DueAt = null }, index.After(d.Id), now, context,
                    [new StepEvent(d.Id, "carried", "this run carries the digest")]),
            RunInput.Digested g when state.Phase == RunPhase.Waiting && g.Seq == state.Seq && index.Find(state.Cursor!) is DigestStep =>
                Digested(state, g),
            RunInput.Admitted a when state.Phase == RunPhase.Ready && a.Seq == state.Seq && index.Find(state.Cursor!) is ThrottleStep th =>
                Walk(index, state with { Outcomes = With(state.Outcomes, th.Id, "admitted") }, index.After(th.Id), now, context,
                    [new StepEvent(th.Id, "admitted", $"within {th.Limit} per {IsoDuration.Format(th.Window)}")]),
            RunInput.Limited l when state.Phase == RunPhase.Ready && l.Seq == state.Seq && index.Find(state.Cursor!) is ThrottleStep th =>
                Limited(state, th, l),
            RunInput.Woken w when state.Phase == RunPhase.Waiting && w.Seq == state.Seq =>
                Outcome(index, state, "woken", w.Detail, s => s.Then, now, context),
            RunInput.TimedOut t when state.Phase == RunPhase.Waiting && t.Seq == state.Seq =>
                Outcome(index, state, "timed_out", null, s => s.OnTimeout, now, context),
            _ => Transition.Stale(state, $"{input} does not apply at seq {state.Seq} ({state.Phase})"),
        };
    }

    /// <summary>The host could not perform a step's effect (its template is gone, its channel has no provider): the run fails
    /// at that step, saying why, instead of its transition.</summary>
    public static Transition Fail(RunState before, string? stepId, string reason) =>
        new(before with { Status = RunStatus.Failed, Cursor = stepId, Phase = RunPhase.Ended, Seq = before.Seq + 1, DueAt = null,
                EndReason = reason },
            [new RunEffect.Ended(RunStatus.Failed, reason)],
            [new StepEvent(stepId, "failed", reason), new StepEvent(null, "failed", reason)], true);

    private static Transition Outcome(StepIndex index, RunState state, string outcome, string? detail,
        Func<WaitForStep, IReadOnlyList<Step>> branch, DateTimeOffset now, ConditionContext context)
    {
        var wait = (WaitForStep)index.Find(state.Cursor!)!;
        var next = state with { Outcomes = With(state.Outcomes, wait.Id, outcome), DueAt = null };
        return Walk(index, next, index.Enter(wait, branch(wait)), now, context, [new StepEvent(wait.Id, outcome, detail)]);
    }

    private static Transition Cancel(StepIndex index, RunState state, RunInput.Cancel c)
    {
        if (state.IsTerminal)
            return Transition.Stale(state, state.Status == RunStatus.Cancelled ? "already cancelled" : "the run has ended");
        var effects = new List<RunEffect>();
        if (state.Phase is RunPhase.Delaying or RunPhase.Waiting)
            effects.Add(new RunEffect.Release(state.Seq,
                state.Phase == RunPhase.Waiting && state.Cursor is { } at && index.Find(at) is DigestStep));
        effects.Add(new RunEffect.Ended(RunStatus.Cancelled, c.Reason));
        var next = state with { Status = RunStatus.Cancelled, Seq = state.Seq + 1, EndReason = c.Reason };
        return new Transition(next, effects, [new StepEvent(state.Cursor, "cancelled", c.Reason)], true);
    }

    /// <summary>Back to where the cancel found it: a ready step runs now; a delay or a wait keeps its original due time
    /// (already past: it is due at once), under a new seq so that nothing scheduled before the cancel can move it.</summary>
    private static Transition Resume(WorkflowDefinition definition, StepIndex index, RunState state, DateTimeOffset now,
        ConditionContext context)
    {
        if (state.Status != RunStatus.Cancelled) return Transition.Stale(state, "only a cancelled run resumes");
        var seq = state.Seq + 1;
        var events = new List<StepEvent> { new(state.Cursor, "resumed") };
        var due = state.DueAt is { } d && d > now ? d : now;
        switch (state.Phase)
        {
            case RunPhase.Delaying:
                return new(state with { Status = RunStatus.Running, Seq = seq, DueAt = due, EndReason = null },
                    [new RunEffect.Timer(seq, due)], events, true);
            case RunPhase.Waiting when index.Find(state.Cursor!) is DigestStep digest:
                // Its event left the window at the cancel: it joins the window open now (or opens one).
                var again = state with { Status = RunStatus.Running, Phase = RunPhase.Ready, Seq = state.Seq, EndReason = null };
                var joined = Walk(index, again, digest.Id, now, context, events);
                return joined;
            case RunPhase.Waiting:
                var wait = (WaitForStep)index.Find(state.Cursor!)!;
                var resumed = state with { Status = RunStatus.Waiting, Seq = seq, DueAt = due, EndReason = null };
                // The key path reads the context again (the profile may have changed): past its budget, the run fails.
                try { return new(resumed, [WaitEffect(wait, seq, due, context, out _)], events, true); }
                catch (ConditionException e) { return Fail(state, wait.Id, e.Message); }
            default:
                return new(state with { Status = RunStatus.Running, Phase = RunPhase.Ready, Seq = seq, EndReason = null },
                    [new RunEffect.Continue(seq)], events, true);
        }
    }

    /// <summary>Walks from <paramref name="cursor"/> through skipped steps and branches to the first step with an effect.</summary>
    private static Transition Walk(StepIndex index, RunState state, string? cursor, DateTimeOffset now, ConditionContext context,
        List<StepEvent> events)
    {
        var outcomes = new Dictionary<string, string>(state.Outcomes);
        var seq = state.Seq + 1;
        RunState At(RunStatus status, string? at, RunPhase phase, DateTimeOffset? due = null, string? reason = null) =>
            state with { Status = status, Cursor = at, Phase = phase, Seq = seq, DueAt = due, Outcomes = outcomes, EndReason = reason };
        try
        {
            while (cursor is not null)
            {
                var step = index.Find(cursor)!;
                if (step.When is { } when && !when.Holds(Token(context, outcomes)))
                {
                    outcomes[step.Id] = "skipped";
                    events.Add(new StepEvent(step.Id, "skipped", $"when `{when.Text}` was false"));
                    cursor = index.After(step.Id);
                    continue;
                }
                switch (step)
                {
                    case SendStep send:
                        outcomes[send.Id] = "sent";
                        events.Add(new StepEvent(send.Id, "sent", $"{string.Join(", ", send.Channels)} · {send.Template}"));
                        var after = index.After(send.Id);
                        return new(At(RunStatus.Running, after, RunPhase.Ready),
                            [new RunEffect.Send(send.Id, send.Channels, send.Template, send.Data), new RunEffect.Continue(seq)],
                            events, true);

                    case BranchStep branch:
                        var token = Token(context, outcomes);
                        var arm = branch.Arms.Select((a, i) => (a, i)).FirstOrDefault(x => x.a.When.Holds(token));
                        if (arm.a is not null)
                        {
                            outcomes[branch.Id] = $"arm:{arm.i}";
                            events.Add(new StepEvent(branch.Id, "arm", $"arm {arm.i}: `{arm.a.When.Text}`"));
                            cursor = index.Enter(branch, arm.a.Steps);
                        }
                        else
                        {
                            outcomes[branch.Id] = "otherwise";
                            events.Add(new StepEvent(branch.Id, "otherwise", "no arm's condition held"));
                            cursor = index.Enter(branch, branch.Otherwise);
                        }
                        continue;

                    case DelayStep delay:
                        var (due, note) = DueOf(delay, now, context, outcomes);
                        if (due <= now)
                        {
                            outcomes[delay.Id] = "passed";
                            events.Add(new StepEvent(delay.Id, "delay_passed", note ?? "already due"));
                            cursor = index.After(delay.Id);
                            continue;
                        }
                        outcomes[delay.Id] = "delayed";
                        events.Add(new StepEvent(delay.Id, "delayed",
                            $"until {due.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}" + (note is null ? "" : $" ({note})")));
                        return new(At(RunStatus.Running, delay.Id, RunPhase.Delaying, due), [new RunEffect.Timer(seq, due)], events, true);

                    case WaitForStep wait:
                        if (wait.SendStep is { } target && outcomes.GetValueOrDefault(target) != "sent")
                        {
                            // Nothing was sent to wait on (the step was skipped or on another arm): as if the wait timed out.
                            outcomes[wait.Id] = "timed_out";
                            events.Add(new StepEvent(wait.Id, "timed_out", $"step '{target}' sent nothing to wait for"));
                            cursor = index.Enter(wait, wait.OnTimeout);
                            continue;
                        }
                        var waitDue = now + wait.Timeout;
                        var effect = WaitEffect(wait, seq, waitDue, context, out var keyNote, outcomes);
                        outcomes[wait.Id] = "waiting";
                        events.Add(new StepEvent(wait.Id, "waiting", Describe(effect) + (keyNote is null ? "" : $" ({keyNote})")));
                        return new(At(RunStatus.Waiting, wait.Id, RunPhase.Waiting, waitDue), [effect], events, true);

                    case DigestStep digest:
                        return Join(digest, At, seq, now, context, outcomes, events, index);

                    case ThrottleStep throttle:
                        return Take(throttle, At, seq, context, outcomes, events);

                    case ExitStep exit:
                        outcomes[exit.Id] = "exited";
                        events.Add(new StepEvent(exit.Id, "exited", exit.Reason));
                        events.Add(new StepEvent(null, "completed", exit.Reason));
                        return new(At(RunStatus.Completed, null, RunPhase.Ended, reason: exit.Reason),
                            [new RunEffect.Ended(RunStatus.Completed, exit.Reason)], events, true);
                }
            }
            events.Add(new StepEvent(null, "completed"));
            return new(At(RunStatus.Completed, null, RunPhase.Ended), [new RunEffect.Ended(RunStatus.Completed, null)], events, true);
        }
        catch (ConditionException e)
        {
            events.Add(new StepEvent(cursor, "failed", e.Message));
            return new(At(RunStatus.Failed, cursor, RunPhase.Ended, reason: e.Message),
                [new RunEffect.Ended(RunStatus.Failed, e.Message)], events, true);
        }
    }

    private static string Describe(RunEffect.Wait w) =>
        (w.Event is not null ? $"event {w.Event}" + (w.EventKey is null ? "" : $" key {w.EventKey}")
            : $"{w.SendStep} {string.Join("/", w.Statuses)}")
        + $" until {w.DueAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}";

    private static RunEffect.Wait WaitEffect(WaitForStep wait, int seq, DateTimeOffset due, ConditionContext context, out string? note,
        IReadOnlyDictionary<string, string>? outcomes = null)
    {
        note = null;
        string? key = null;
        if (wait.Key is { } path)
        {
            key = Scalar(path.Evaluate(Token(context, outcomes ?? new Dictionary<string, string>())));
            if (key is null) note = $"key path `{path.Text}` found nothing: no event can match";
            key ??= "";
        }
        return new RunEffect.Wait(seq, wait.Id, wait.SendStep, wait.Statuses, wait.Event, key, due);
    }

    private static (DateTimeOffset Due, string? Note) DueOf(DelayStep delay, DateTimeOffset now, ConditionContext context,
        IReadOnlyDictionary<string, string> outcomes)
    {
        if (delay.For is { } f) return (now + f, null);
        if (delay.UntilLocalTime is { } local)
            return (LocalTimes.Next(local, context.TimeZone, now), $"{local:HH\\:mm} in {LocalTimes.Zone(context.TimeZone).Id}");
        var text = Scalar(delay.Until!.Evaluate(Token(context, outcomes)));
        if (text is null || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return (now, $"`{delay.Until.Text}` is not a date");
        if (at > now + WorkflowLimits.MaxDelay)
            return (now + WorkflowLimits.MaxDelay, $"{text} is past {WorkflowLimits.MaxDelay.TotalDays:0} days: held that long");
        return (at, null);
    }

    private static string? Scalar(JToken t) => t.Type switch
    {
        JTokenType.String => t.Value<string>(),
        JTokenType.Integer or JTokenType.Float or JTokenType.Boolean => t.ToString(Newtonsoft.Json.Formatting.None),
        JTokenType.Date => t.Value<DateTime>().ToString("O", CultureInfo.InvariantCulture),
        _ => null,
    } is { Length: > 0 and <= 200 } s ? s : null;

    /// <summary>The context with `steps.&lt;id&gt;.outcome` as this run has recorded it so far (host statuses kept).</summary>
    private static JToken Token(ConditionContext context, IReadOnlyDictionary<string, string> outcomes)
    {
        var token = (JObject)context.Token;
        var steps = token["steps"] as JObject ?? new JObject();
        foreach (var (id, outcome) in outcomes)
        {
            if (steps[id] is not JObject s) steps[id] = s = new JObject();
            s["outcome"] = outcome;
        }
        token["steps"] = steps;
        return token;
    }

    private static IReadOnlyDictionary<string, string> With(IReadOnlyDictionary<string, string> d, string key, string value) =>
        new Dictionary<string, string>(d) { [key] = value };
}
