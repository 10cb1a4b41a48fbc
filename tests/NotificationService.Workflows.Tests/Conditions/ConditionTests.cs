using System.Text.Json.Nodes;
using NotificationService.Workflows.Conditions;

namespace NotificationService.Workflows.Tests.Conditions;

public class ConditionTests
{
    private static readonly ConditionContext Context = new(
        JsonNode.Parse("""{"total": 120, "items": [{"sku": "a"}, {"sku": "b"}], "at": "2026-01-01T00:00:00Z", "empty": ""}"""),
        JsonNode.Parse("""{"userId": "u-1", "timezone": "Europe/Paris", "data": {"tier": "gold"}}"""),
        JsonNode.Parse("""{"id": "admin-7"}"""),
        JsonNode.Parse("""{"mail": {"status": "failed", "channel": "email", "provider": "sandbox", "error": "bounced"}}""")!.AsObject(),
        "Europe/Paris");

    [Theory]
    [InlineData("recipient.data.tier == 'gold'", true)]
    [InlineData("recipient.data.tier == 'silver'", false)]
    [InlineData("data.total > `100`", true)]
    [InlineData("length(data.items) == `2`", true)]
    [InlineData("contains(data.items[*].sku, 'b')", true)]
    [InlineData("steps.mail.status == 'failed' && steps.mail.channel == 'email'", true)]
    [InlineData("actor.id", true)]
    [InlineData("data.missing", false)]
    [InlineData("data.empty", false)]
    [InlineData("data.items[?sku == 'z']", false)]
    [InlineData("data.at == '2026-01-01T00:00:00Z'", true)]
    public void A_condition_holds_when_its_result_is_truthy(string text, bool holds) =>
        Assert.Equal(holds, Condition.Parse(text).Holds(Context.Token));

    [Fact]
    public void A_condition_that_does_not_parse_says_why()
    {
        Assert.False(Condition.TryParse("data.x ==== 1", out _, out var error));
        Assert.StartsWith("not a JMESPath expression", error);
        Assert.False(Condition.TryParse(new string('a', Condition.MaxLength + 1), out _, out error));
        Assert.Contains("at most 1000 characters", error);
        Assert.False(Condition.TryParse("  ", out _, out _));
    }

    [Fact]
    public void Multi_selects_that_could_blow_up_the_output_are_refused_when_parsed()
    {
        Assert.True(Condition.TryParse("[data, recipient] | [@, @]", out _, out _));   // 2 × 2
        Assert.False(Condition.TryParse("[@,@,@,@] | [@,@,@,@] | [@,@,@,@] | [@,@]", out _, out var error));   // 128
        Assert.Contains("128 times", error);
        Assert.False(Condition.TryParse("{a: @, b: @, c: @, d: @, e: @, f: @, g: @, h: @} | [@,@,@,@,@,@,@,@,@]", out _, out _));   // 72
    }

    [Fact]
    public void A_result_larger_than_the_output_bound_is_an_error_naming_the_condition()
    {
        var big = new ConditionContext(new JsonObject { ["blob"] = new string('x', Condition.MaxResultChars) }, null, null, [], null);
        var e = Assert.Throws<ConditionException>(() => Condition.Parse("data.blob").Evaluate(big.Token));
        Assert.Contains("`data.blob`", e.Message);
        Assert.Contains("larger than", e.Message);
    }
}
