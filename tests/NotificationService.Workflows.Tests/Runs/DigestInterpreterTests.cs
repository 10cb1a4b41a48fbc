using System.Text.Json.Nodes;
using NotificationService.Workflows.Conditions;
using NotificationService.Workflows.Definitions;
using NotificationService.Workflows.Runs;

namespace NotificationService.Workflows.Tests.Runs;

/// <summary>Digest and throttle steps through the pure interpreter, on a clock the spec owns: the window each kind plans,
/// what a run does when its window closes, a throttle's answers in both modes, cancels, and two digests in one run.</summary>
public class DigestInterpreterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static WorkflowDefinition Definition(string steps) =>
        WorkflowParser.Parse($$"""{"key":"k","name":"n","steps":[{{steps}}]}""").Definition!;

    private static ConditionContext Context(object data, string? timeZone = null) =>
        new(JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(data)), null, null, [], timeZone);

    private static Transition Start(WorkflowDefinition d, ConditionContext c, DateTimeOffset? now = null) =>
        Interpreter.Apply(d, RunState.Start(d), new RunInput.Continue(0), now ?? T0, c);

    private const string Send = """{"id":"mail","type":"send","channel":"email","template":"comments"}""";

    [Fact]
    public void A_run_reaching_a_digest_waits_in_the_window_of_its_recipient_and_key()
    {
        var t = Start(Definition(Samples.Batch + "," + Send), Context(new { threadId = "t-42" }));
        var join = Assert.IsType<RunEffect.JoinDigest>(Assert.Single(t.Effects));
        Assert.Equal(("batch", "t-42"), (join.StepId, join.Key));
        Assert.Equal(new DigestPlan("fixed", T0.AddHours(1), null, null, 1000, 3, 3, false), join.Plan);
        Assert.Equal((RunStatus.Waiting, RunPhase.Waiting, "batch", join.Seq), (t.State.Status, t.State.Phase, t.State.Cursor, t.State.Seq));
        Assert.Contains(t.Events, e => e is { StepId: "batch", What: "digesting" } && e.Detail!.Contains("key t-42"));
    }

    [Fact]
    public void Without_a_key_path_the_window_is_the_recipients_for_the_step()
    {
        var t = Start(Definition("""{"id":"d","type":"digest","window":{"fixed":"PT5M"}}"""), Context(new { threadId = "x" }));
        Assert.Equal("", Assert.IsType<RunEffect.JoinDigest>(Assert.Single(t.Effects)).Key);
    }

    [Fact]
    public void Each_window_kind_plans_its_close_from_the_first_event()
    {
        DigestPlan Plan(string window) => DigestPlan.For((DigestStep)Definition($$"""{"id":"d","type":"digest","window":{{window}}}""").Steps[0], T0, null);
        Assert.Equal(("fixed", T0.AddHours(1), false), (Plan("""{"fixed":"PT1H"}""").Kind, Plan("""{"fixed":"PT1H"}""").ClosesAt, Plan("""{"fixed":"PT1H"}""").PassesFirst));
        var sliding = Plan("""{"sliding":"PT10M","max":"PT1H"}""");
        Assert.Equal((T0.AddMinutes(10), TimeSpan.FromMinutes(10), T0.AddHours(1)), (sliding.ClosesAt, sliding.Quiet!.Value, sliding.HardCloseAt!.Value));
        var backoff = Plan("""{"backoff":"PT5M"}""");
        Assert.Equal((T0.AddMinutes(5), true), (backoff.ClosesAt, backoff.PassesFirst));
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero), Plan("""{"scheduled":"0 9 * * *"}""").ClosesAt);   // UTC without a zone
    }

    [Theory]
    // Europe/Berlin moves to summer time on 29 March 2026: 09:00 is 08:00Z before and 07:00Z after.
    [InlineData("Europe/Berlin", "2026-03-28T10:00:00Z", "2026-03-29T07:00:00Z")]
    [InlineData("Europe/Berlin", "2026-03-27T10:00:00Z", "2026-03-28T08:00:00Z")]
    // New York leaves summer time on 1 November 2026: 09:00 is 13:00Z before and 14:00Z after.
    [InlineData("America/New_York", "2026-10-31T14:00:00Z", "2026-11-01T14:00:00Z")]
    [InlineData("America/New_York", "2026-10-30T14:00:00Z", "2026-10-31T13:00:00Z")]
    public void A_daily_schedule_closes_at_nine_local_time_across_a_clock_change(string zone, string now, string expected)
    {
        var step = (DigestStep)Definition("""{"id":"d","type":"digest","window":{"scheduled":"0 9 * * *"}}""").Steps[0];
        Assert.Equal(DateTimeOffset.Parse(expected), DigestPlan.For(step, DateTimeOffset.Parse(now), zone).ClosesAt);
    }

    [Fact]
    public void A_local_time_the_spring_change_skips_moves_forward_by_the_gap()
    {
        var step = (DigestStep)Definition("""{"id":"d","type":"digest","window":{"scheduled":"30 2 * * *"}}""").Steps[0];
        // 02:30 does not exist in Berlin on 29 March 2026: 03:30 CEST (01:30Z).
        Assert.Equal(DateTimeOffset.Parse("2026-03-29T01:30:00Z"), DigestPlan.For(step, DateTimeOffset.Parse("2026-03-28T12:00:00Z"), "Europe/Berlin").ClosesAt);
    }

    [Fact]
    public void The_run_that_carries_the_digest_goes_on_and_the_others_end_digested_naming_it()
    {
        var d = Definition(Samples.Batch + "," + Send);
        var joined = Start(d, Context(new { threadId = "t" }));
        var carried = Interpreter.Apply(d, joined.State, new RunInput.Carried(joined.State.Seq), T0.AddHours(1), Context(new { threadId = "t" }));
        Assert.Contains(carried.Effects, e => e is RunEffect.Send { StepId: "mail" });
        Assert.Equal("carried", carried.State.Outcomes["batch"]);

        var carrier = Guid.NewGuid();
        var digested = Interpreter.Apply(d, joined.State, new RunInput.Digested(joined.State.Seq, carrier), T0.AddHours(1), Context(new { threadId = "t" }));
        Assert.Equal((RunStatus.Completed, "digested"), (digested.State.Status, digested.State.Outcomes["batch"]));
        Assert.Contains(carrier.ToString(), digested.State.EndReason);
        Assert.Contains(digested.Events, e => e is { StepId: "batch", What: "digested" } && e.Detail!.Contains(carrier.ToString()));
        Assert.DoesNotContain(digested.Effects, e => e is RunEffect.Send);

        Assert.False(Interpreter.Apply(d, joined.State, new RunInput.Carried(joined.State.Seq - 1), T0, Context(new { })).Changed);   // a stale close

        // Ending digested reads nothing of the context, so a host need not read it: the same transition without it.
        var blind = Interpreter.ApplyUnlessContextRead(d, joined.State, new RunInput.Digested(joined.State.Seq, carrier), T0.AddHours(1));
        Assert.NotNull(blind);
        Assert.Equal(RunStateJson.Serialize(digested.State), RunStateJson.Serialize(blind.State));
        Assert.Equal(digested.Events, blind.Events);
    }

    [Fact]
    public void A_cancelled_run_takes_its_event_out_of_the_window_and_a_resume_joins_again()
    {
        var d = Definition(Samples.Batch);
        var joined = Start(d, Context(new { threadId = "t" }));
        var cancelled = Interpreter.Apply(d, joined.State, new RunInput.Cancel("by key"), T0, ConditionContext.Empty);
        Assert.Equal(new RunEffect.Release(joined.State.Seq, LeavesDigest: true), cancelled.Effects[0]);
        var resumed = Interpreter.Apply(d, cancelled.State, new RunInput.Resume(), T0.AddMinutes(5), Context(new { threadId = "t" }));
        var again = Assert.IsType<RunEffect.JoinDigest>(Assert.Single(resumed.Effects));
        Assert.Equal((resumed.State.Seq, T0.AddMinutes(65)), (again.Seq, again.Plan.ClosesAt));
    }

    [Fact]
    public void Two_digest_steps_in_one_workflow_each_join_their_own_window()
    {
        var d = Definition(Samples.Batch + """,{"id":"daily","type":"digest","window":{"scheduled":"0 9 * * *"}},""" + Send);
        var c = Context(new { threadId = "t" });
        var first = Start(d, c);
        var second = Interpreter.Apply(d, first.State, new RunInput.Carried(first.State.Seq), T0.AddHours(1), c);
        var join = Assert.IsType<RunEffect.JoinDigest>(Assert.Single(second.Effects));
        Assert.Equal(("daily", "scheduled"), (join.StepId, join.Plan.Kind));
        var sent = Interpreter.Apply(d, second.State, new RunInput.Carried(second.State.Seq), T0.AddDays(1), c);
        Assert.Contains(sent.Effects, e => e is RunEffect.Send);
        Assert.Equal(("carried", "carried"), (sent.State.Outcomes["batch"], sent.State.Outcomes["daily"]));
    }

    [Fact]
    public void A_throttle_asks_for_a_place_and_a_run_let_through_goes_on()
    {
        var d = Definition(Samples.Calm + "," + Send);
        var t = Start(d, Context(new { alert = "disk" }));
        var take = Assert.IsType<RunEffect.TakeThrottle>(Assert.Single(t.Effects));
        Assert.Equal(("calm", "disk", 5, TimeSpan.FromHours(1)), (take.StepId, take.Key, take.Limit, take.Window));
        var admitted = Interpreter.Apply(d, t.State, new RunInput.Admitted(t.State.Seq), T0, Context(new { alert = "disk" }));
        Assert.Contains(admitted.Effects, e => e is RunEffect.Send);
        Assert.Equal("admitted", admitted.State.Outcomes["calm"]);
    }

    [Fact]
    public void Over_the_limit_a_run_ends_throttled_with_the_windows_end_not_failed()
    {
        var d = Definition(Samples.Calm + "," + Send);
        var t = Start(d, Context(new { alert = "disk" }));
        var limited = Interpreter.Apply(d, t.State, new RunInput.Limited(t.State.Seq, T0.AddMinutes(40)), T0, Context(new { alert = "disk" }));
        Assert.Equal((RunStatus.Completed, "throttled"), (limited.State.Status, limited.State.Outcomes["calm"]));
        Assert.Equal("throttled until 2026-03-02T08:40:00Z", limited.State.EndReason);
        Assert.DoesNotContain(limited.Effects, e => e is RunEffect.Send);
    }

    [Fact]
    public void With_onLimit_delay_a_run_over_the_limit_waits_for_the_window_and_asks_again()
    {
        var d = Definition("""{"id":"calm","type":"throttle","limit":1,"window":"PT1H","onLimit":"delay"},""" + Send);
        var t = Start(d, ConditionContext.Empty);
        var limited = Interpreter.Apply(d, t.State, new RunInput.Limited(t.State.Seq, T0.AddMinutes(40)), T0, ConditionContext.Empty);
        Assert.Equal(new RunEffect.Timer(limited.State.Seq, T0.AddMinutes(40)), Assert.Single(limited.Effects));
        Assert.Equal((RunPhase.Delaying, "calm"), (limited.State.Phase, limited.State.Cursor));
        var again = Interpreter.Apply(d, limited.State, new RunInput.TimerDue(limited.State.Seq), T0.AddMinutes(40), ConditionContext.Empty);
        Assert.IsType<RunEffect.TakeThrottle>(Assert.Single(again.Effects));
    }

    [Fact]
    public void The_trigger_checks_templates_against_a_stand_in_digest_of_its_one_event()
    {
        var d = Definition(Samples.Batch + "," + Send);
        var standIn = DigestSummary.StandIns(d, JsonNode.Parse("""{"threadId":"t"}"""), JsonNode.Parse("""{"id":"ada"}"""));
        Assert.Equal(1, (int)standIn["batch"]!["count"]!);
        Assert.Equal("t", (string?)standIn["batch"]!["events"]![0]!["threadId"]);
        Assert.Equal("ada", (string?)standIn["batch"]!["actors"]!["first"]![0]!["id"]);
    }
}
