using System.Text.Json.Nodes;
using NotificationService.Features.People.Recipients;

namespace NotificationService.Tests.Features.People.Recipients;

/// <summary>JSON Merge Patch as RFC 7396 defines it, checked against the RFC's own examples.</summary>
public class MergePatchTests
{
    /// <summary>RFC 7396 Appendix A, every row: original, patch, result.</summary>
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""["a","b"]""", """["c","d"]""", """["c","d"]""")]
    [InlineData("""{"a":"b"}""", """["c"]""", """["c"]""")]
    [InlineData("""{"a":"foo"}""", "null", "null")]
    [InlineData("""{"a":"foo"}""", "\"bar\"", "\"bar\"")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""[1,2]""", """{"a":"b","c":null}""", """{"a":"b"}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void Appendix_A_examples(string original, string patch, string expected) =>
        AssertJson(expected, MergePatch.Apply(JsonNode.Parse(original), JsonNode.Parse(patch)));

    [Fact]
    public void The_example_of_section_3_replaces_a_value_removes_a_member_adds_one_and_replaces_an_array()
    {
        var target = JsonNode.Parse("""
            {"title":"Goodbye!","author":{"givenName":"John","familyName":"Doe"},"tags":["example","sample"],"content":"This will be unchanged"}
            """);
        var patch = JsonNode.Parse("""{"title":"Hello!","phoneNumber":"+01-123-456-7890","author":{"familyName":null},"tags":["example"]}""");
        AssertJson("""
            {"title":"Hello!","author":{"givenName":"John"},"tags":["example"],"content":"This will be unchanged","phoneNumber":"+01-123-456-7890"}
            """, MergePatch.Apply(target, patch));
    }

    [Fact]
    public void Neither_the_target_nor_the_patch_is_changed_and_the_result_shares_no_node_with_them()
    {
        var target = JsonNode.Parse("""{"a":{"b":1},"keep":[1,2]}""")!;
        var patch = JsonNode.Parse("""{"a":{"c":2},"new":{"d":3}}""")!;
        var result = MergePatch.Apply(target, patch)!;
        result["a"]!["b"] = 99;
        result["new"]!["d"] = 99;
        ((JsonArray)result["keep"]!).Add(3);

        AssertJson("""{"a":{"b":1},"keep":[1,2]}""", target);
        AssertJson("""{"a":{"c":2},"new":{"d":3}}""", patch);
    }

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}, got {actual?.ToJsonString() ?? "null"}");
}
