using System.Text.Json.Nodes;
using NotificationService.Workflows.Conditions;
using NotificationService.Workflows.Definitions;
using NotificationService.Workflows.Runs;

namespace NotificationService.Workflows.Tests.Runs;

/// <summary>
/// The user's digest cadence (a category preference) replaces the window of a digest step that says `userSchedule`, on a
/// clock the spec owns: daily at their local time across a clock change, weekly, hourly in a half-hour zone, immediate
/// (each event its own digest); a step without `userSchedule`, or a user who chose nothing, keeps the step's window.
/// </summary>
public class DigestCadenceTests
{
    private const string Daily = """{"id":"batch","type":"digest","key":"data.threadId","window":{"fixed":"PT1H"},"userSchedule":true}""";

    private static WorkflowDefinition Definition(string digest, string? category = "comments") =>
        WorkflowParser.Parse($$"""{"key":"k","name":"n"{{(category is null ? "" : $",\"category\":\"{category}\"")}},"steps":[{{digest}},{"id":"mail","type":"send","channel":"email","template":"t"}]}""").Definition!;

    private static DigestCadence Cadence(string kind, string? at = null, string? day = null) =>
        DigestCadence.Parse(kind, at, day, out var problems) ?? throw new InvalidOperationException(string.Join(", ", problems));

    private static RunEffect.JoinDigest Join(WorkflowDefinition d, DateTimeOffset now, string? zone, DigestCadence? cadence) =>
        Assert.IsType<RunEffect.JoinDigest>(Assert.Single(Interpreter.Apply(d, RunState.Start(d), new RunInput.Continue(0), now,
            new ConditionContext(JsonNode.Parse("""{"threadId":"t1"}"""), null, null, [], zone) { Cadence = cadence }).Effects));

    [Theory]
    // Europe/Paris moves to summer time on 29 March 2026: the user's 09:00 is 08:00Z the day before and 07:00Z that day.
    [InlineData("2026-03-27T10:00:00Z", "2026-03-28T08:00:00Z")]
    [InlineData("2026-03-28T10:00:00Z", "2026-03-29T07:00:00Z")]
    [InlineData("2026-03-29T06:59:00Z", "2026-03-29T07:00:00Z")]
    // …and back on 25 October 2026: 07:00Z on the Saturday, 08:00Z on the Sunday.
    [InlineData("2026-10-24T10:00:00Z", "2026-10-25T08:00:00Z")]
    public void A_daily_cadence_closes_the_window_at_the_users_local_time_across_a_clock_change(string now, string closes)
    {
        var join = Join(Definition(Daily), DateTimeOffset.Parse(now), "Europe/Paris", Cadence("daily", "09:00"));
        Assert.Equal(("scheduled", DateTimeOffset.Parse(closes)), (join.Plan.Kind, join.Plan.ClosesAt));
    }

    [Fact]
    public void The_timeline_says_the_window_is_the_recipients_cadence()
    {
        var d = Definition(Daily);
        var t = Interpreter.Apply(d, RunState.Start(d), new RunInput.Continue(0), DateTimeOffset.Parse("2026-03-28T10:00:00Z"),
            new ConditionContext(JsonNode.Parse("""{"threadId":"t1"}"""), null, null, [], "Europe/Paris") { Cadence = Cadence("weekly", "18:30", "fri") });
        Assert.Contains(t.Events, e => e is { StepId: "batch", What: "digesting" } && e.Detail!.StartsWith("the recipient's cadence: weekly on fri at 18:30"));
        Assert.Equal(DateTimeOffset.Parse("2026-04-03T16:30:00Z"), Assert.IsType<RunEffect.JoinDigest>(Assert.Single(t.Effects)).Plan.ClosesAt);
    }

    [Fact]
    public void Hourly_closes_at_the_top_of_the_users_local_hour_and_immediate_closes_with_its_one_event()
    {
        var now = DateTimeOffset.Parse("2026-03-02T08:10:00Z");
        // Kolkata is UTC+05:30: its hours begin at half past in UTC.
        Assert.Equal(DateTimeOffset.Parse("2026-03-02T08:30:00Z"), Join(Definition(Daily), now, "Asia/Kolkata", Cadence("hourly")).Plan.ClosesAt);
        var immediate = Join(Definition(Daily), now, null, Cadence("immediate")).Plan;
        Assert.Equal((now, 1), (immediate.ClosesAt, immediate.MaxEvents));
    }

    [Fact]
    public void Without_userSchedule_or_without_a_choice_the_steps_own_window_holds()
    {
        var now = DateTimeOffset.Parse("2026-03-02T08:10:00Z");
        var own = Definition("""{"id":"batch","type":"digest","key":"data.threadId","window":{"fixed":"PT1H"}}""");
        Assert.Equal(("fixed", now.AddHours(1)), (Join(own, now, null, Cadence("daily", "09:00")).Plan.Kind, Join(own, now, null, Cadence("daily", "09:00")).Plan.ClosesAt));
        Assert.Equal(("fixed", now.AddHours(1)), (Join(Definition(Daily), now, null, null).Plan.Kind, Join(Definition(Daily), now, null, null).Plan.ClosesAt));
    }

    [Fact]
    public void UserSchedule_needs_the_workflows_category_and_is_a_boolean()
    {
        var problems = WorkflowParser.Parse("""{"key":"k","name":"n","steps":[{"id":"a","type":"digest","window":{"fixed":"PT1H"},"userSchedule":true}]}""").Problems;
        Assert.Equal("$.steps[0].userSchedule", Assert.Single(problems).Path);
        Assert.Contains("category", problems[0].Message);
        Assert.Equal("$.steps[0].userSchedule", Assert.Single(WorkflowParser.Parse(
            """{"key":"k","name":"n","category":"c","steps":[{"id":"a","type":"digest","window":{"fixed":"PT1H"},"userSchedule":"yes"}]}""").Problems).Path);
        Assert.Equal("comments", Definition(Daily).CadenceCategory);
    }

    [Theory]
    [InlineData("monthly", null, null, "cadence")]
    [InlineData("daily", null, null, "at")]
    [InlineData("daily", "9am", null, "at")]
    [InlineData("weekly", "09:00", "someday", "day")]
    [InlineData("hourly", "09:00", null, "at")]
    [InlineData("daily", "09:00", "mon", "day")]
    public void A_cadence_that_does_not_say_when_names_its_field(string kind, string? at, string? day, string field)
    {
        Assert.Null(DigestCadence.Parse(kind, at, day, out var problems));
        Assert.Equal(field, Assert.Single(problems).Key);
    }
}
