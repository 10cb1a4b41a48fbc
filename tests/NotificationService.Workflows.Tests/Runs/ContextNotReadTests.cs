using System.Text.Json.Nodes;
using NotificationService.Workflows.Conditions;
using NotificationService.Workflows.Definitions;
using NotificationService.Workflows.Runs;

namespace NotificationService.Workflows.Tests.Runs;

/// <summary>
/// A host asks the interpreter first without the run's context (<see cref="Interpreter.ApplyUnlessContextRead"/>) and reads
/// the profile, the sends and the digests only for a transition that reads them. The answer without the context is the
/// transition itself, the same as with any context; a transition that reads any part of it answers null, never a decision
/// made on a context it did not have.
/// </summary>
public class ContextNotReadTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private const string Send = """{"id":"mail","type":"send","channel":"email","template":"comments"}""";

    private static WorkflowDefinition Definition(string steps) =>
        WorkflowParser.Parse($$"""{"key":"k","name":"n","steps":[{{steps}}]}""").Definition!;

    private static ConditionContext Context(string tier) =>
        new(new JsonObject { ["threadId"] = "t" }, new JsonObject { ["data"] = new JsonObject { ["tier"] = tier } }, null, [], "Europe/Paris");

    private static RunState Waiting(WorkflowDefinition d) =>
        Interpreter.Apply(d, RunState.Start(d), new RunInput.Continue(0), T0, Context("gold")).State;

    [Fact]
    public void A_carried_digest_going_on_to_a_plain_send_is_decided_without_the_context_as_with_it()
    {
        var d = Definition(Samples.Batch + "," + Send);
        var carried = new RunInput.Carried(Waiting(d).Seq);
        var blind = Interpreter.ApplyUnlessContextRead(d, Waiting(d), carried, T0.AddHours(1));
        Assert.NotNull(blind);
        foreach (var tier in new[] { "gold", "silver" })
        {
            var seen = Interpreter.Apply(d, Waiting(d), carried, T0.AddHours(1), Context(tier));
            Assert.Equal(RunStateJson.Serialize(seen.State), RunStateJson.Serialize(blind.State));
            Assert.Equal(seen.Events, blind.Events);
            Assert.Equal(seen.Effects.Count, blind.Effects.Count);
        }
        Assert.Contains(blind.Effects, e => e is RunEffect.Send { StepId: "mail" });
    }

    [Theory]
    [InlineData("""{"id":"mail","type":"send","channel":"email","template":"comments","when":"recipient.data.tier == 'gold'"}""")]
    [InlineData("""{"id":"pick","type":"branch","arms":[{"when":"recipient.data.tier == 'gold'","steps":[{"id":"vip","type":"send","channel":"email","template":"t"}]}],"otherwise":[]}""")]
    [InlineData("""{"id":"later","type":"delay","untilLocalTime":"09:00"}""")]
    [InlineData("""{"id":"again","type":"digest","key":"data.threadId","window":{"fixed":"PT1H"}}""")]
    public void A_transition_that_reads_any_part_of_the_context_asks_for_it(string next)
    {
        var d = Definition(Samples.Batch + "," + next);
        Assert.Null(Interpreter.ApplyUnlessContextRead(d, Waiting(d), new RunInput.Carried(Waiting(d).Seq), T0.AddHours(1)));
    }

    [Fact]
    public void Every_part_of_a_context_not_read_throws_when_read()
    {
        var c = ConditionContext.NotRead;
        Assert.Throws<ContextNotReadException>(() => c.Data);
        Assert.Throws<ContextNotReadException>(() => c.Recipient);
        Assert.Throws<ContextNotReadException>(() => c.Actor);
        Assert.Throws<ContextNotReadException>(() => c.Steps);
        Assert.Throws<ContextNotReadException>(() => c.TimeZone);
        Assert.Throws<ContextNotReadException>(() => c.Cadence);
        Assert.Throws<ContextNotReadException>(() => c.Token);
        Assert.Null(ConditionContext.Empty.Data);
    }
}
