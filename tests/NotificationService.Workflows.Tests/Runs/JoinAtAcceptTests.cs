using System.Text.Json.Nodes;
using NotificationService.Workflows.Definitions;
using NotificationService.Workflows.Runs;

namespace NotificationService.Workflows.Tests.Runs;

/// <summary>
/// Batch on write is for digests that are the same for every recipient of a trigger: a first step with a fixed or sliding
/// window and a key from the trigger's data or actor starts the runs already waiting in it, with the interpreter's own
/// transition; anything that reads the recipient (their zone, their cadence, a condition, a key from their profile), lets
/// an event through (backoff) or keeps a live item, and any other first step, starts them ready as before.
/// </summary>
public class JoinAtAcceptTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private const string Mail = """{"id":"mail","type":"send","channel":"email","template":"t"}""";

    private static Transition? For(params string[] steps)
    {
        var d = WorkflowParser.Parse($$"""{"key":"k","name":"n","category":"c","steps":[{{string.Join(",", steps)}}]}""").Definition!;
        return JoinAtAccept.For(d, JsonNode.Parse("""{"threadId":"t-7"}"""), JsonNode.Parse("""{"id":"bob"}"""), T0);
    }

    [Theory]
    [InlineData("""{"id":"batch","type":"digest","key":"data.threadId","window":{"fixed":"PT1H"},"maxEvents":10}""", "fixed", "t-7")]
    [InlineData("""{"id":"batch","type":"digest","key":"actor.id","window":{"sliding":"PT10M","max":"PT1H"}}""", "sliding", "bob")]
    [InlineData("""{"id":"batch","type":"digest","window":{"fixed":"PT1H"}}""", "fixed", "")]
    public void A_first_digest_the_same_for_every_recipient_starts_the_runs_waiting_in_it(string digest, string kind, string key)
    {
        var t = For(digest, Mail)!;
        var join = Assert.IsType<RunEffect.JoinDigest>(Assert.Single(t.Effects));
        Assert.Equal((kind, key, "batch"), (join.Plan.Kind, join.Key, join.StepId));
        Assert.Equal((RunStatus.Waiting, RunPhase.Waiting, "batch", join.Seq), (t.State.Status, t.State.Phase, t.State.Cursor, t.State.Seq));
        Assert.Equal(T0 + TimeSpan.FromMinutes(kind == "fixed" ? 60 : 10), join.Plan.ClosesAt);
        Assert.Equal("digesting", Assert.Single(t.Events).What);
    }

    [Theory]
    [InlineData("""{"id":"batch","type":"digest","key":"recipient.team","window":{"fixed":"PT1H"}}""")]
    [InlineData("""{"id":"batch","type":"digest","key":"data.threads[0]","window":{"fixed":"PT1H"}}""")]
    [InlineData("""{"id":"batch","type":"digest","key":"data.threadId","window":{"scheduled":"0 9 * * *"}}""")]
    [InlineData("""{"id":"batch","type":"digest","key":"data.threadId","window":{"backoff":"PT1H"}}""")]
    [InlineData("""{"id":"batch","type":"digest","key":"data.threadId","window":{"fixed":"PT1H"},"userSchedule":true}""")]
    [InlineData("""{"id":"batch","type":"digest","when":"recipient.vip","window":{"fixed":"PT1H"}}""")]
    [InlineData("""{"id":"first","type":"delay","for":"PT1M"}""")]
    public void A_digest_that_reads_the_recipient_lets_one_through_or_comes_later_joins_when_each_run_reaches_it(string first) =>
        Assert.Null(For(first, Mail));

    [Fact]
    public void A_digest_that_keeps_one_live_in_app_item_joins_when_each_run_reaches_it() =>
        Assert.Null(For("""{"id":"batch","type":"digest","key":"data.threadId","window":{"fixed":"PT1H"}}""",
            """{"id":"inbox","type":"send","channel":"in_app","template":"t"}"""));
}
