using NotificationService.Workflows.Definitions;

namespace NotificationService.Workflows.Tests.Definitions;

/// <summary>
/// The hand-written schema and the parser agree on a set of samples: both accept the valid ones, both refuse the ones a
/// schema can describe (and name the same path), and the parser alone refuses what a schema cannot say.
/// </summary>
public class WorkflowSchemaTests
{
    private static string Wrap(string steps) => $$"""{"key":"k","name":"n","steps":[{{steps}}]}""";

    public static TheoryData<string> Valid => new()
    {
        Samples.Escalation,
        Wrap("""{"id":"a","type":"send","channels":["email","sms"],"template":"t","data":{"x":1},"when":"data.ok"}"""),
        Wrap("""{"id":"a","type":"delay","for":"PT30M"}"""),
        Wrap("""{"id":"a","type":"delay","until":"data.sendAt"}"""),
        Wrap("""{"id":"a","type":"delay","untilLocalTime":"09:00"}"""),
        Wrap("""{"id":"a","type":"waitFor","event":"order.paid","key":"data.orderId","timeout":"P1D","then":[{"id":"b","type":"exit","reason":"paid"}]}"""),
        Wrap("""{"id":"a","type":"branch","arms":[{"when":"data.a","steps":[]}],"otherwise":[{"id":"b","type":"exit","reason":"no"}]}"""),
        """{"key":"k","name":"n","category":null,"steps":[]}""",
        Wrap(Samples.Batch + "," + Samples.Calm),
        Wrap("""{"id":"a","type":"digest","window":{"sliding":"PT10M","max":"PT1H"}}"""),
        Wrap("""{"id":"a","type":"digest","window":{"scheduled":"0 9 * * *"},"keep":{"last":5}}"""),
        Wrap("""{"id":"a","type":"digest","window":{"backoff":"PT5M"}},{"id":"b","type":"throttle","limit":1,"window":"P1D","onLimit":"delay"}"""),
        """{"key":"k","name":"n","category":"comments","steps":[{"id":"a","type":"digest","window":{"fixed":"PT1H"},"userSchedule":true}]}""",
    };

    /// <summary>Refused by both, at this path.</summary>
    public static TheoryData<string, string> RefusedByBoth => new()
    {
        { Wrap("""{"id":"a","type":"teleport"}"""), "$.steps[0]" },
        { Wrap("""{"id":"a","type":"send","channel":"fax","template":"t"}"""), "$.steps[0].channel" },
        { Wrap("""{"id":"a","type":"send","template":"t"}"""), "$.steps[0]" },
        { Wrap("""{"id":"a","type":"delay","for":"P1M"}"""), "$.steps[0].for" },
        { Wrap("""{"id":"a","type":"delay","untilLocalTime":"24:00"}"""), "$.steps[0].untilLocalTime" },
        { Wrap("""{"id":"a","type":"waitFor","timeout":"PT1M"}"""), "$.steps[0]" },
        { Wrap("""{"id":"a","type":"waitFor","event":"e","timeout":"PT1M","status":["read"]}"""), "$.steps[0]" },
        { Wrap("""{"id":"a","type":"waitFor","event":"e"}"""), "$.steps[0]" },
        { Wrap("""{"id":"a","type":"exit","reason":"r","x":1}"""), "$.steps[0]" },
        { Wrap("""{"id":"a b","type":"exit","reason":"r"}"""), "$.steps[0].id" },
        { Wrap("""{"id":"a","type":"branch","arms":[]}"""), "$.steps[0]" },
        { """{"key":"k","steps":[]}""", "$" },
        { """{"key":"k k","name":"n","steps":[]}""", "$.key" },
        { Wrap("""{"id":"a","type":"digest","window":{"hourly":"PT1H"}}"""), "$.steps[0]" },
        { Wrap("""{"id":"a","type":"digest","window":{"fixed":"PT1H"},"keep":{"first":101}}"""), "$.steps[0]" },
        { Wrap("""{"id":"a","type":"digest","window":{"fixed":"PT1H"},"maxEvents":10001}"""), "$.steps[0]" },
        { Wrap("""{"id":"a","type":"digest","window":{"sliding":"PT1H"}}"""), "$.steps[0]" },
        { Wrap("""{"id":"a","type":"throttle","limit":0,"window":"PT1H"}"""), "$.steps[0]" },
        { Wrap("""{"id":"a","type":"throttle","limit":5,"window":"PT1H","onLimit":"queue"}"""), "$.steps[0]" },
    };

    /// <summary>What only the parser can see: the schema accepts these.</summary>
    public static TheoryData<string, string> RefusedByTheParserOnly => new()
    {
        { Wrap("""{"id":"a","type":"exit","reason":"r"},{"id":"a","type":"exit","reason":"r"}"""), "$.steps[1].id" },
        { Wrap("""{"id":"a","type":"delay","for":"P91D"}"""), "$.steps[0].for" },
        { Wrap("""{"id":"a","type":"waitFor","event":"e","timeout":"P31D"}"""), "$.steps[0].timeout" },
        { Wrap("""{"id":"a","type":"branch","arms":[{"when":"a ==== b"}]}"""), "$.steps[0].arms[0].when" },
        { Wrap("""{"id":"a","type":"waitFor","step":"later","status":["read"],"timeout":"PT1M"},{"id":"later","type":"send","channel":"email","template":"t"}"""), "$.steps[0].step" },
        { Wrap("""{"id":"a","type":"digest","window":{"scheduled":"0 0 30 2 *"}}"""), "$.steps[0].window.scheduled" },
        { Wrap("""{"id":"a","type":"digest","window":{"fixed":"P31D"}}"""), "$.steps[0].window.fixed" },
        { Wrap("""{"id":"a","type":"digest","window":{"sliding":"PT2H","max":"PT1H"}}"""), "$.steps[0].window.max" },
        { Wrap("""{"id":"a","type":"digest","key":"data.x ==== 1","window":{"fixed":"PT1H"}}"""), "$.steps[0].key" },
    };

    [Theory, MemberData(nameof(Valid))]
    public void Both_accept_a_valid_definition(string json)
    {
        Assert.Empty(WorkflowParser.Parse(json).Problems);
        Assert.Empty(WorkflowSchema.Validate(json));
    }

    /// <summary>Every channel a send step may name (the parser's list) is one the schema admits, so a new channel cannot
    /// reach the interpreter and still be refused at save.</summary>
    [Fact]
    public void Both_accept_a_send_step_on_every_channel()
    {
        foreach (var channel in WorkflowLimits.Channels)
        {
            var json = Wrap($$"""{"id":"a","type":"send","channel":"{{channel}}","template":"t"}""");
            Assert.Empty(WorkflowParser.Parse(json).Problems);
            Assert.True(WorkflowSchema.Validate(json).Count == 0, $"the schema refuses channel {channel}");
        }
    }

    [Theory, MemberData(nameof(RefusedByBoth))]
    public void Both_refuse_what_a_schema_can_describe_at_the_same_place(string json, string path)
    {
        Assert.Contains(WorkflowSchema.Validate(json), p => p.Path == path || p.Path.StartsWith(path + "."));
        Assert.Contains(WorkflowParser.Parse(json).Problems, p => p.Path == path || p.Path.StartsWith(path + "."));
    }

    [Theory, MemberData(nameof(RefusedByTheParserOnly))]
    public void The_parser_also_refuses_what_a_schema_cannot_say(string json, string path)
    {
        Assert.Empty(WorkflowSchema.Validate(json));
        Assert.Contains(WorkflowParser.Parse(json).Problems, p => p.Path == path);
    }

    [Fact]
    public void The_schema_is_a_draft_07_document_naming_every_step_type()
    {
        var schema = System.Text.Json.Nodes.JsonNode.Parse(WorkflowSchema.Json)!;
        Assert.Equal("http://json-schema.org/draft-07/schema#", (string?)schema["$schema"]);
        Assert.Equal(StepTypes.All, schema["definitions"]!["step"]!["properties"]!["type"]!["enum"]!.AsArray().Select(n => (string?)n));
    }
}
