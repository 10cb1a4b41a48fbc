using NotificationService.Workflows.Definitions;

namespace NotificationService.Workflows.Tests.Definitions;

public class WorkflowParserTests
{
    [Fact]
    public void The_escalation_example_reads_as_its_steps()
    {
        var result = WorkflowParser.Parse(Samples.Escalation);
        Assert.Empty(result.Problems);
        var d = result.Definition!;
        Assert.Equal(("order-update", "Order update", "orders"), (d.Key, d.Name, d.Category));
        Assert.Equal(["inbox", "wait-read", "mail", "wait-mail", "text", "vip", "thanks"], d.AllSteps().Select(s => s.Id));
        var wait = Assert.IsType<WaitForStep>(d.Steps[1]);
        Assert.Equal(("inbox", TimeSpan.FromMinutes(30)), (wait.SendStep, wait.Timeout));
        Assert.Equal(["read"], wait.Statuses);
        Assert.Equal(TimeSpan.FromHours(1), Assert.IsType<WaitForStep>(wait.OnTimeout[1]).Timeout);
        Assert.Equal("recipient.data.tier == 'gold'", Assert.IsType<BranchStep>(d.Steps[2]).Arms[0].When.Text);
    }

    [Theory]
    [InlineData("""{"id":"a","type":"teleport"}""", "$.steps[0].type", "unknown step type 'teleport'")]
    [InlineData("""{"id":"a","type":"send","channel":"fax","template":"t"}""", "$.steps[0].channel", "unknown channel 'fax'")]
    [InlineData("""{"id":"a","type":"send","channels":["email","pigeon"],"template":"t"}""", "$.steps[0].channels", "unknown channel 'pigeon'")]
    [InlineData("""{"id":"a","type":"delay","for":"P91D"}""", "$.steps[0].for", "at most 90 days")]
    [InlineData("""{"id":"a","type":"delay","for":"P1M"}""", "$.steps[0].for", "is not an ISO 8601 duration")]
    [InlineData("""{"id":"a","type":"delay","untilLocalTime":"9am"}""", "$.steps[0].untilLocalTime", "HH:mm")]
    [InlineData("""{"id":"a","type":"delay","for":"PT1M","until":"data.at"}""", "$.steps[0]", "exactly one of")]
    [InlineData("""{"id":"a","type":"waitFor","event":"paid","timeout":"P31D"}""", "$.steps[0].timeout", "at most 30 days")]
    [InlineData("""{"id":"a","type":"waitFor","step":"nope","status":["read"],"timeout":"PT1M"}""", "$.steps[0].step", "not a send step before this wait")]
    [InlineData("""{"id":"a","type":"waitFor","event":"paid","timeout":"PT1M","status":["read"]}""", "$.steps[0].status", "belongs to a step wait")]
    [InlineData("""{"id":"a","type":"branch","arms":[{"when":"data.x ==== 1","steps":[]}]}""", "$.steps[0].arms[0].when", "not a JMESPath expression")]
    [InlineData("""{"id":"a","type":"send","channel":"email","template":"t","when":"[@,@,@,@] | [@,@,@,@] | [@,@,@,@] | [@,@]"}""", "$.steps[0].when", "multiply the context")]
    [InlineData("""{"id":"a","type":"exit"}""", "$.steps[0].reason", "reason is required")]
    [InlineData("""{"id":"a","type":"exit","reason":"r","colour":"red"}""", "$.steps[0].colour", "unknown property")]
    [InlineData("""{"id":"bad id!","type":"exit","reason":"r"}""", "$.steps[0].id", "a step id is")]
    public void A_problem_is_reported_at_its_json_path(string step, string path, string message)
    {
        var problems = WorkflowParser.Parse($$"""{"key":"k","name":"n","steps":[{{step}}]}""").Problems;
        Assert.Contains(problems, p => p.Path == path && p.Message.Contains(message));
    }

    [Fact]
    public void Step_ids_are_unique_across_the_whole_tree()
    {
        var problems = WorkflowParser.Parse("""
            {"key":"k","name":"n","steps":[
              {"id":"a","type":"send","channel":"email","template":"t"},
              {"id":"b","type":"branch","arms":[{"when":"data.x","steps":[{"id":"a","type":"exit","reason":"r"}]}]}]}
            """).Problems;
        var p = Assert.Single(problems);
        Assert.Equal("$.steps[1].arms[0].steps[0].id", p.Path);
        Assert.Contains("already used at $.steps[0].id", p.Message);
    }

    [Fact]
    public void At_most_ten_arms_and_five_levels_of_nesting()
    {
        var arms = string.Join(",", Enumerable.Range(0, 11).Select(i => $$"""{"when":"data.a{{i}}","steps":[]}"""));
        var tooMany = WorkflowParser.Parse($$"""{"key":"k","name":"n","steps":[{"id":"b","type":"branch","arms":[{{arms}}]}]}""").Problems;
        Assert.Contains(tooMany, p => p.Path == "$.steps[0].arms" && p.Message.Contains("at most 10 arms"));

        string Nest(int depth) => depth == 0 ? """{"id":"leaf","type":"exit","reason":"deep"}"""
            : $$"""{"id":"b{{depth}}","type":"branch","arms":[{"when":"data.x","steps":[{{Nest(depth - 1)}}]}]}""";
        Assert.Empty(WorkflowParser.Parse($$"""{"key":"k","name":"n","steps":[{{Nest(4)}}]}""").Problems);
        var deep = WorkflowParser.Parse($$"""{"key":"k","name":"n","steps":[{{Nest(5)}}]}""").Problems;
        var p = Assert.Single(deep);
        Assert.Equal("$.steps[0].arms[0].steps[0].arms[0].steps[0].arms[0].steps[0].arms[0].steps[0].arms[0].steps", p.Path);
        Assert.Contains("at most 5 deep", p.Message);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_and_no_definition_comes_back()
    {
        var result = WorkflowParser.Parse("""
            {"key":"bad key","name":"","steps":[
              {"id":"a","type":"send","channel":"fax","template":"t"},
              {"id":"a","type":"delay","for":"P100D"},
              {"id":"c","type":"waitFor","event":"e","timeout":"P40D","then":[{"id":"d","type":"nope"}]}]}
            """);
        Assert.Null(result.Definition);
        Assert.Equal(["$.key", "$.name", "$.steps[0].channel", "$.steps[1].id", "$.steps[1].for", "$.steps[2].timeout", "$.steps[2].then[0].type"],
            result.Problems.Select(p => p.Path));
    }

    [Fact]
    public void Unknown_templates_are_named_through_the_hosts_check_per_channel()
    {
        var known = new HashSet<(string, string)> { ("in_app", "order-update"), ("email", "order-update-email"), ("sms", "order-update-sms") };
        var problems = WorkflowParser.Parse(Samples.Escalation, (channel, template) =>
            known.Contains((channel, template)) ? null : $"no {channel} template '{template}'").Problems;
        var p = Assert.Single(problems);
        Assert.Equal(("$.steps[2].arms[0].steps[0].template", "no email template 'gold-thanks'"), (p.Path, p.Message));
    }

    [Theory]
    [InlineData("PT30M", 30 * 60)]
    [InlineData("P1D", 86400)]
    [InlineData("P2W", 14 * 86400)]
    [InlineData("P1DT2H3M4.5S", 86400 + 7200 + 180 + 4.5)]
    public void Durations_are_iso_8601_of_fixed_length(string text, double seconds)
    {
        Assert.True(IsoDuration.TryParse(text, out var t));
        Assert.Equal(seconds, t.TotalSeconds);
    }

    [Theory]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("P1Y")]
    [InlineData("P1M")]
    [InlineData("30m")]
    [InlineData("-PT1M")]
    public void Calendar_lengths_and_malformed_durations_are_refused(string text) => Assert.False(IsoDuration.TryParse(text, out _));
}
