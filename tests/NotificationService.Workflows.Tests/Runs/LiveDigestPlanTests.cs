using System.Text.Json.Nodes;
using NotificationService.Workflows.Conditions;
using NotificationService.Workflows.Definitions;
using NotificationService.Workflows.Runs;

namespace NotificationService.Workflows.Tests.Runs;

/// <summary>A digest step right before a send on `in_app` alone plans a live window (one inbox item that grows); any other
/// next step, a backoff window or a window of one event does not.</summary>
public class LiveDigestPlanTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static Transition Start(string digest, string next)
    {
        var d = WorkflowParser.Parse($$"""{"key":"k","name":"n","steps":[{{digest}},{{next}}]}""").Definition!;
        return Interpreter.Apply(d, RunState.Start(d), new RunInput.Continue(0), T0, new ConditionContext(JsonNode.Parse("""{"threadId":"t"}"""), null, null, [], null));
    }

    private const string Batch = """{"id":"batch","type":"digest","key":"data.threadId","window":{"fixed":"PT1H"}}""";

    [Fact]
    public void A_digest_before_an_in_app_send_plans_one_live_item_and_says_so()
    {
        var t = Start(Batch, """{"id":"inbox","type":"send","channel":"in_app","template":"t"}""");
        Assert.Equal("inbox", Assert.IsType<RunEffect.JoinDigest>(Assert.Single(t.Effects)).Plan.LiveSendStep);
        Assert.Contains(t.Events, e => e is { What: "digesting" } && e.Detail!.Contains("one live in-app item"));
    }

    [Theory]
    [InlineData(Batch, """{"id":"mail","type":"send","channel":"email","template":"t"}""")]
    [InlineData(Batch, """{"id":"both","type":"send","channels":["in_app","email"],"template":"t"}""")]
    [InlineData(Batch, """{"id":"later","type":"delay","for":"PT1M"}""")]
    [InlineData("""{"id":"batch","type":"digest","window":{"backoff":"PT1H"}}""", """{"id":"inbox","type":"send","channel":"in_app","template":"t"}""")]
    [InlineData("""{"id":"batch","type":"digest","window":{"fixed":"PT1H"},"maxEvents":1}""", """{"id":"inbox","type":"send","channel":"in_app","template":"t"}""")]
    public void Any_other_next_step_a_backoff_window_or_a_window_of_one_is_not_live(string digest, string next) =>
        Assert.Null(Assert.IsType<RunEffect.JoinDigest>(Assert.Single(Start(digest, next).Effects)).Plan.LiveSendStep);
}
