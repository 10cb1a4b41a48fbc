using System.Text.Json.Nodes;
using NotificationService.Workflows.Conditions;
using NotificationService.Workflows.Definitions;
using NotificationService.Workflows.Runs;

namespace NotificationService.Workflows.Tests.Runs;

/// <summary>One example per step kind, and the escalation example's three paths, through the pure interpreter.</summary>
public class InterpreterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private sealed class Run(string json, ConditionContext? context = null)
    {
        public readonly WorkflowDefinition Definition = WorkflowParser.Parse(json).Definition ?? throw new InvalidOperationException(
            string.Join("; ", WorkflowParser.Parse(json).Problems));
        public RunState State = null!;
        public DateTimeOffset Now = T0;
        public ConditionContext Context = context ?? ConditionContext.Empty;
        public readonly List<StepEvent> Timeline = [];

        public Transition Start()
        {
            State = RunState.Start(Definition);
            return Apply(new RunInput.Continue(0));
        }

        public Transition Apply(RunInput input)
        {
            var t = Interpreter.Apply(Definition, State, input, Now, Context);
            State = t.State;
            Timeline.AddRange(t.Events);
            return t;
        }

        /// <summary>Follows Continue effects (what the host's jobs would do) until the run stops for something else.</summary>
        public List<RunEffect> Drive(Transition t)
        {
            var effects = new List<RunEffect>(t.Effects);
            while (t.Effects.OfType<RunEffect.Continue>().FirstOrDefault() is { } c)
            {
                t = Apply(new RunInput.Continue(c.Seq));
                effects.AddRange(t.Effects);
            }
            return effects;
        }
    }

    private static string Wrap(string steps) => $$"""{"key":"k","name":"n","steps":[{{steps}}]}""";

    private static ConditionContext Gold(bool gold) => new(null, new JsonObject { ["data"] = new JsonObject { ["tier"] = gold ? "gold" : "silver" } }, null, [], null);

    [Fact]
    public void Escalation_read_in_time_sends_nothing_more()
    {
        var run = new Run(Samples.Escalation, Gold(false));
        var effects = run.Drive(run.Start());
        Assert.Equal("inbox", Assert.Single(effects.OfType<RunEffect.Send>()).StepId);
        var wait = Assert.Single(effects.OfType<RunEffect.Wait>());
        Assert.Equal(("wait-read", "inbox", T0.AddMinutes(30)), (wait.StepId, wait.SendStep, wait.DueAt));
        Assert.Equal(RunStatus.Waiting, run.State.Status);

        effects = run.Drive(run.Apply(new RunInput.Woken(wait.Seq, "read")));
        Assert.Empty(effects.OfType<RunEffect.Send>());
        Assert.Equal(new RunEffect.Ended(RunStatus.Completed, null), Assert.Single(effects));
        Assert.False(run.Apply(new RunInput.TimedOut(wait.Seq)).Changed);   // the timeout job that comes later is a no-op
        Assert.Contains(run.Timeline, e => e is { StepId: "vip", What: "otherwise" });
    }

    [Fact]
    public void Escalation_not_read_emails_and_a_failed_email_texts()
    {
        var run = new Run(Samples.Escalation, Gold(true));
        var readWait = run.Drive(run.Start()).OfType<RunEffect.Wait>().Single();
        run.Now = T0.AddMinutes(30);
        var effects = run.Drive(run.Apply(new RunInput.TimedOut(readWait.Seq)));
        Assert.Equal("mail", Assert.Single(effects.OfType<RunEffect.Send>()).StepId);
        var mailWait = Assert.Single(effects.OfType<RunEffect.Wait>());
        Assert.Equal(["failed", "skipped"], mailWait.Statuses);
        Assert.Equal(T0.AddMinutes(90), mailWait.DueAt);
        Assert.False(run.Apply(new RunInput.Woken(readWait.Seq)).Changed);   // a late read of the inbox item changes nothing

        effects = run.Drive(run.Apply(new RunInput.Woken(mailWait.Seq, "failed")));
        Assert.Equal(["text", "thanks"], effects.OfType<RunEffect.Send>().Select(s => s.StepId));
        Assert.Equal(RunStatus.Completed, run.State.Status);
        Assert.Equal("arm:0", run.State.Outcomes["vip"]);
    }

    [Fact]
    public void Escalation_email_not_failed_within_the_hour_skips_the_text()
    {
        var run = new Run(Samples.Escalation, Gold(false));
        var readWait = run.Drive(run.Start()).OfType<RunEffect.Wait>().Single();
        var mailWait = run.Drive(run.Apply(new RunInput.TimedOut(readWait.Seq))).OfType<RunEffect.Wait>().Single();
        var effects = run.Drive(run.Apply(new RunInput.TimedOut(mailWait.Seq)));
        Assert.Empty(effects.OfType<RunEffect.Send>());
        Assert.Equal(RunStatus.Completed, run.State.Status);
    }

    [Fact]
    public void A_step_whose_when_is_false_is_skipped_and_recorded_with_its_condition()
    {
        var run = new Run(Wrap("""
            {"id":"a","type":"send","channel":"email","template":"t","when":"data.vip"},
            {"id":"b","type":"send","channel":"sms","template":"t","data":{"x":1}}
            """), new ConditionContext(new JsonObject { ["vip"] = false }, null, null, [], null));
        var effects = run.Drive(run.Start());
        var send = Assert.Single(effects.OfType<RunEffect.Send>());
        Assert.Equal(("b", "sms", 1), (send.StepId, send.Channels.Single(), (int)send.Data!["x"]!));
        Assert.Contains(new StepEvent("a", "skipped", "when `data.vip` was false"), run.Timeline);
        Assert.Equal("skipped", run.State.Outcomes["a"]);
    }

    [Fact]
    public void A_skipped_send_does_not_break_a_wait_on_it_the_wait_takes_its_timeout_branch_at_once()
    {
        var run = new Run(Wrap("""
            {"id":"a","type":"send","channel":"email","template":"t","when":"`false`"},
            {"id":"w","type":"waitFor","step":"a","status":["read"],"timeout":"PT1H","onTimeout":[{"id":"b","type":"send","channel":"sms","template":"t"}]}
            """));
        var effects = run.Drive(run.Start());
        Assert.Equal("b", Assert.Single(effects.OfType<RunEffect.Send>()).StepId);
        Assert.Empty(effects.OfType<RunEffect.Wait>());
        Assert.Contains(run.Timeline, e => e is { StepId: "w", What: "timed_out" } && e.Detail!.Contains("sent nothing"));
    }

    [Fact]
    public void One_send_per_transition_then_a_continue_at_the_next_seq()
    {
        var run = new Run(Wrap("""
            {"id":"a","type":"send","channel":"email","template":"t"},{"id":"b","type":"send","channel":"sms","template":"t"}
            """));
        var first = run.Start();
        var send = Assert.IsType<RunEffect.Send>(first.Effects[0]);
        Assert.Equal(("a", "email", "t"), (send.StepId, send.Channels.Single(), send.Template));
        Assert.Equal(new RunEffect.Continue(1), first.Effects[1]);
        Assert.False(run.Apply(new RunInput.Continue(0)).Changed);   // the same job again (crash before its acknowledgement)
        var second = run.Apply(new RunInput.Continue(1));
        Assert.Equal("b", second.Effects.OfType<RunEffect.Send>().Single().StepId);
        Assert.Equal(RunStatus.Completed, run.Drive(second).OfType<RunEffect.Ended>().Single().Status);
    }

    [Fact]
    public void A_delay_for_a_duration_schedules_its_timer_and_only_its_own_timer_moves_it()
    {
        var run = new Run(Wrap("""{"id":"d","type":"delay","for":"PT30M"},{"id":"a","type":"send","channel":"email","template":"t"}"""));
        var timer = Assert.IsType<RunEffect.Timer>(Assert.Single(run.Start().Effects));
        Assert.Equal(T0.AddMinutes(30), timer.DueAt);
        Assert.False(run.Apply(new RunInput.TimerDue(timer.Seq - 1)).Changed);
        Assert.False(run.Apply(new RunInput.Continue(timer.Seq)).Changed);
        run.Now = timer.DueAt;
        Assert.Equal("a", run.Apply(new RunInput.TimerDue(timer.Seq)).Effects.OfType<RunEffect.Send>().Single().StepId);
        Assert.Contains(new StepEvent("d", "delay_passed"), run.Timeline);
    }

    [Fact]
    public void A_delay_until_a_date_in_data_waits_for_it_and_a_past_or_missing_date_goes_on()
    {
        var future = new Run(Wrap("""{"id":"d","type":"delay","until":"data.shipAt"}"""),
            new ConditionContext(new JsonObject { ["shipAt"] = "2026-03-03T10:00:00+01:00" }, null, null, [], null));
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.Zero), Assert.IsType<RunEffect.Timer>(Assert.Single(future.Start().Effects)).DueAt);

        var past = new Run(Wrap("""{"id":"d","type":"delay","until":"data.shipAt"}"""),
            new ConditionContext(new JsonObject { ["shipAt"] = "2020-01-01T00:00:00Z" }, null, null, [], null));
        Assert.IsType<RunEffect.Ended>(Assert.Single(past.Start().Effects));

        var missing = new Run(Wrap("""{"id":"d","type":"delay","until":"data.shipAt"}"""));
        Assert.IsType<RunEffect.Ended>(Assert.Single(missing.Start().Effects));
        Assert.Contains(missing.Timeline, e => e is { What: "delay_passed" } && e.Detail!.Contains("is not a date"));
    }

    [Fact]
    public void A_delay_until_local_time_uses_the_recipients_zone_next_occurrence()
    {
        // 08:00 UTC is 09:00 in Paris (winter, UTC+1): 09:00 has just begun, so the next one is tomorrow.
        var paris = new Run(Wrap("""{"id":"d","type":"delay","untilLocalTime":"09:00"}"""), new ConditionContext(null, null, null, [], "Europe/Paris"));
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 8, 0, 0, TimeSpan.Zero), Assert.IsType<RunEffect.Timer>(Assert.Single(paris.Start().Effects)).DueAt);
        // In Los Angeles (UTC-8) it is midnight: 09:00 today.
        var la = new Run(Wrap("""{"id":"d","type":"delay","untilLocalTime":"09:00"}"""), new ConditionContext(null, null, null, [], "America/Los_Angeles"));
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 17, 0, 0, TimeSpan.Zero), Assert.IsType<RunEffect.Timer>(Assert.Single(la.Start().Effects)).DueAt);
        // No zone: UTC.
        var utc = new Run(Wrap("""{"id":"d","type":"delay","untilLocalTime":"09:00"}"""));
        Assert.Equal(T0.AddHours(1), Assert.IsType<RunEffect.Timer>(Assert.Single(utc.Start().Effects)).DueAt);
    }

    [Fact]
    public void A_local_time_skipped_by_a_clock_change_moves_forward_by_the_gap()
    {
        // 2026-03-29 in Paris: 02:00 → 03:00. 02:30 does not exist that night.
        var at = LocalTimes.Next(new TimeOnly(2, 30), "Europe/Paris", new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero), at);   // 03:30 CEST
    }

    [Fact]
    public void A_branch_takes_the_first_arm_that_holds_else_otherwise_then_goes_on_after_it()
    {
        const string json = """
            {"key":"k","name":"n","steps":[
              {"id":"b","type":"branch","arms":[
                {"when":"data.n > `10`","steps":[{"id":"big","type":"send","channel":"email","template":"t"}]},
                {"when":"data.n > `5`","steps":[{"id":"mid","type":"send","channel":"email","template":"t"}]}],
               "otherwise":[{"id":"small","type":"send","channel":"email","template":"t"}]},
              {"id":"after","type":"send","channel":"sms","template":"t"}]}
            """;
        foreach (var (n, expected) in new[] { (20, "big"), (7, "mid"), (1, "small") })
        {
            var run = new Run(json, new ConditionContext(new JsonObject { ["n"] = n }, null, null, [], null));
            Assert.Equal([expected, "after"], run.Drive(run.Start()).OfType<RunEffect.Send>().Select(s => s.StepId));
        }
    }

    [Fact]
    public void A_wait_for_an_event_carries_its_name_and_the_key_its_path_finds()
    {
        var run = new Run(Wrap("""
            {"id":"w","type":"waitFor","event":"order.paid","key":"data.orderId","timeout":"P1D",
             "then":[{"id":"ok","type":"exit","reason":"paid"}],"onTimeout":[{"id":"remind","type":"send","channel":"email","template":"t"}]}
            """), new ConditionContext(new JsonObject { ["orderId"] = "order-1234" }, null, null, [], null));
        var wait = Assert.IsType<RunEffect.Wait>(Assert.Single(run.Start().Effects));
        Assert.Equal(("order.paid", "order-1234", T0.AddDays(1)), (wait.Event, wait.EventKey, wait.DueAt));
        var ended = run.Apply(new RunInput.Woken(wait.Seq, "event order.paid"));
        Assert.Equal(new RunEffect.Ended(RunStatus.Completed, "paid"), Assert.Single(ended.Effects));
        Assert.Equal("paid", run.State.EndReason);
    }

    [Fact]
    public void Exit_ends_the_run_with_its_reason_and_later_steps_never_run()
    {
        var run = new Run(Wrap("""{"id":"x","type":"exit","reason":"not needed"},{"id":"a","type":"send","channel":"email","template":"t"}"""));
        var effects = run.Drive(run.Start());
        Assert.Equal(new RunEffect.Ended(RunStatus.Completed, "not needed"), Assert.Single(effects));
        Assert.False(run.Apply(new RunInput.Continue(run.State.Seq)).Changed);
    }

    [Fact]
    public void A_condition_past_its_bounds_fails_the_run_naming_it()
    {
        var run = new Run(Wrap("""{"id":"a","type":"send","channel":"email","template":"t","when":"data.blob"}"""),
            new ConditionContext(new JsonObject { ["blob"] = new string('x', Condition.MaxResultChars + 1) }, null, null, [], null));
        var t = run.Start();
        Assert.Equal(RunStatus.Failed, run.State.Status);
        Assert.Contains("`data.blob`", Assert.IsType<RunEffect.Ended>(Assert.Single(t.Effects)).Reason);
    }

    [Fact]
    public void A_wait_key_stopped_by_its_budget_when_a_cancelled_run_resumes_fails_the_run_naming_it()
    {
        // The key reads the profile, which changed while the run was cancelled: now a join of 500 × 10,000 characters.
        static ConditionContext Profile(string s) => new(null, new JsonObject { ["data"] = new JsonObject
            { ["s"] = s, ["a"] = new JsonArray(Enumerable.Range(0, 500).Select(_ => (JsonNode?)"").ToArray()) } }, null, [], null);
        var run = new Run(Wrap("""
            {"id":"w","type":"waitFor","event":"order.paid","key":"join(recipient.data.s, recipient.data.a)","timeout":"P1D","then":[],"onTimeout":[]}
            """), Profile("x"));
        run.Start();
        run.Apply(new RunInput.Cancel());
        run.Context = Profile(new string('x', 10_000));
        var resumed = run.Apply(new RunInput.Resume());
        Assert.Equal(RunStatus.Failed, run.State.Status);
        Assert.Contains("produced more than 4,000,000 characters", Assert.IsType<RunEffect.Ended>(Assert.Single(resumed.Effects)).Reason);
    }

    [Fact]
    public void Cancel_releases_the_wait_and_resume_registers_it_again_with_its_old_deadline()
    {
        var run = new Run(Samples.Escalation);
        var wait = run.Drive(run.Start()).OfType<RunEffect.Wait>().Single();
        var cancel = run.Apply(new RunInput.Cancel("customer left"));
        Assert.Equal([new RunEffect.Release(wait.Seq), new RunEffect.Ended(RunStatus.Cancelled, "customer left")], cancel.Effects);
        Assert.False(run.Apply(new RunInput.Cancel()).Changed);
        Assert.False(run.Apply(new RunInput.TimedOut(wait.Seq)).Changed);   // a timeout already scheduled is a no-op

        run.Now = T0.AddMinutes(10);
        var resumed = run.Apply(new RunInput.Resume());
        var again = Assert.IsType<RunEffect.Wait>(Assert.Single(resumed.Effects));
        Assert.Equal(T0.AddMinutes(30), again.DueAt);
        Assert.True(again.Seq > wait.Seq);
        Assert.Equal(RunStatus.Waiting, run.State.Status);
        Assert.False(run.Apply(new RunInput.Woken(wait.Seq)).Changed);   // the old registration cannot move it
        Assert.True(run.Apply(new RunInput.Woken(again.Seq)).Changed);
        Assert.False(run.Apply(new RunInput.Resume()).Changed);   // only a cancelled run resumes
    }

    [Fact]
    public void A_run_resumed_after_its_delay_was_due_is_due_at_once()
    {
        var run = new Run(Wrap("""{"id":"d","type":"delay","for":"PT5M"}"""));
        run.Start();
        run.Apply(new RunInput.Cancel());
        run.Now = T0.AddHours(1);
        var timer = Assert.IsType<RunEffect.Timer>(Assert.Single(run.Apply(new RunInput.Resume()).Effects));
        Assert.Equal(run.Now, timer.DueAt);
    }
}
