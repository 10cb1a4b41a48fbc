using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NotificationService.Tests.Infrastructure;
using NotificationService.Tests.Support;
using Xunit.Abstractions;

namespace NotificationService.Tests.Features.Agents.Mcp;

/// <summary>
/// The API fuzzer's way (<see cref="ApiFuzzTests"/>: generated requests, valid and not, on the fuzz host without rate
/// limits) aimed at `/mcp`: malformed JSON and JSON-RPC, wrong and unknown methods, huge and deep params, and every
/// tool's arguments from its own input schema with each kind of wrong value. No answer is a 5xx; each broken message gets
/// the JSON-RPC error the protocol names for it, and a tool call with bad arguments is refused, never run.
/// </summary>
[Collection("fuzz")]
public class McpFuzzTests(FuzzFixture service, ITestOutputHelper output)
{
    private sealed record Answer(string Variant, HttpStatusCode Status, JsonNode? Message, string Body);

    [Fact]
    public async Task Generated_messages_never_get_a_5xx_and_broken_ones_get_the_protocols_errors()
    {
        var tenant = await service.NewTenantAsync();
        var answers = new List<Answer>();
        var problems = new List<string>();
        async Task<Answer> SendAsync(McpFuzzRequest request)
        {
            using var message = request.Build();
            var response = await tenant.Http.SendAsync(message);
            var body = await response.Content.ReadAsStringAsync();
            var answer = new Answer(request.Variant, response.StatusCode, McpFuzzRequest.MessageOf(body), body);
            answers.Add(answer);
            problems.AddRange(McpFuzzRequest.Check(request, answer.Status, answer.Message, body));
            return answer;
        }

        var listed = await SendAsync(McpFuzzRequest.Call("tools/list", new JsonObject(), expect: null));
        var tools = listed.Message!["result"]!["tools"]!.AsArray();
        Assert.True(tools.Count >= 10, $"only {tools.Count} tools listed");
        foreach (var request in McpFuzzRequest.Envelopes().Concat(tools.SelectMany(t => McpFuzzRequest.ToolCalls(t!))))
            await SendAsync(request);

        output.WriteLine($"{answers.Count} messages; by status: " + string.Join(", ", answers.GroupBy(a => (int)a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}")) +
            "; by JSON-RPC error: " + string.Join(", ", answers.GroupBy(a => a.Message?["error"]?["code"]?.ToString() ?? (a.Message?["result"]?["isError"]?.GetValue<bool>() == true ? "tool error" : "none"))
                .Select(g => $"{g.Key}×{g.Count()}")));
        Assert.True(problems.Count == 0, $"{problems.Count} problems in {answers.Count} messages:\n" + string.Join("\n", problems.Distinct().Take(60)));
        Assert.True(answers.Count >= 150, $"only {answers.Count} messages");
    }
}
