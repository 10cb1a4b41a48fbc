using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace NotificationService.Tests.Features.Agents.Mcp;

/// <summary>
/// One generated message to `/mcp` and what must come back: <see cref="Expect"/> is the JSON-RPC error code the protocol
/// names for it, <see cref="ToolError"/> a call the tool must refuse (its error result, which the model reads), null neither.
/// </summary>
internal sealed record McpFuzzRequest(string Variant, string Body, int? Expect, bool ToolError = false, string ContentType = "application/json",
    string Accept = "application/json, text/event-stream", HttpStatusCode[]? Statuses = null)
{
    public const int ParseError = -32700, InvalidRequest = -32600, MethodNotFound = -32601, InvalidParams = -32602;

    public HttpRequestMessage Build()
    {
        var m = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Body)) };
        m.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        m.Headers.TryAddWithoutValidation("Accept", Accept);
        return m;
    }

    public static McpFuzzRequest Call(string method, JsonNode? @params, int? expect, string? variant = null, bool toolError = false) =>
        new(variant ?? method, Envelope(method, @params).ToJsonString().Replace($"\"{Deep}\"", Nest(300)), expect, toolError);

    /// <summary>Stands for an object nested 300 deep, put into the body as text (JsonNode itself stops at 64 levels).</summary>
    private const string Deep = "__nested_300_deep__";

    public static JsonObject Envelope(string method, JsonNode? @params, JsonNode? id = null) =>
        new() { ["jsonrpc"] = "2.0", ["id"] = id ?? 1, ["method"] = method, ["params"] = @params };

    /// <summary>The JSON-RPC message of an answer: the JSON body, or the first `data:` of a server-sent event stream.</summary>
    public static JsonNode? MessageOf(string body)
    {
        var json = body.TrimStart().StartsWith('{') ? body
            : body.Split('\n').FirstOrDefault(l => l.StartsWith("data:", StringComparison.Ordinal))?["data:".Length..];
        try { return json is null ? null : JsonNode.Parse(json); }
        catch (System.Text.Json.JsonException) { return null; }
    }

    public static IEnumerable<string> Check(McpFuzzRequest r, HttpStatusCode status, JsonNode? message, string body)
    {
        var where = $"[{r.Variant}] → {(int)status}";
        var snippet = body.Length <= 300 ? body : body[..300] + "…";
        if ((int)status >= 500) { yield return $"{where}: server error {snippet}"; yield break; }
        if (r.Statuses is { } statuses)
        {
            if (!statuses.Contains(status)) yield return $"{where}: expected {string.Join(" or ", statuses.Select(s => (int)s))} {snippet}";
            yield break;
        }
        var code = message?["error"]?["code"]?.GetValue<int>();
        var toolRefused = message?["result"]?["isError"]?.GetValue<bool>() == true;
        if (r.Expect is { } expected && code != expected) yield return $"{where}: expected JSON-RPC error {expected}, got {code?.ToString() ?? "none"}: {snippet}";
        if (r.ToolError && !toolRefused) yield return $"{where}: bad arguments were not a tool error: {snippet}";
        if (r.Expect is null && !r.ToolError && code is not null) yield return $"{where}: a valid message got error {code}: {snippet}";
        if (code is not null && message?["error"]?["message"]?.GetValue<string>() is not { Length: > 0 }) yield return $"{where}: an error without a message";
    }

    /// <summary>Broken transport, envelopes and methods.</summary>
    public static IEnumerable<McpFuzzRequest> Envelopes()
    {
        HttpStatusCode[] clientError = [HttpStatusCode.BadRequest, HttpStatusCode.NotAcceptable, HttpStatusCode.UnsupportedMediaType, HttpStatusCode.RequestEntityTooLarge];
        yield return new("malformed JSON", "{\"jsonrpc\":", ParseError);
        yield return new("not JSON", "hello", ParseError);
        yield return new("a lone surrogate in the method", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\u00ff\"}".Replace("\u00ff", "\\udc00"), null, Statuses: [HttpStatusCode.OK, HttpStatusCode.BadRequest]);
        yield return new("empty body", "", ParseError);
        yield return new("number", "42", InvalidRequest);
        yield return new("string", "\"tools/list\"", InvalidRequest);
        yield return new("null", "null", InvalidRequest);
        yield return new("empty array (batch)", "[]", InvalidRequest);
        yield return new("batch of two", $"[{Envelope("tools/list", null).ToJsonString()},{Envelope("ping", null, 2).ToJsonString()}]", InvalidRequest);
        yield return new("deeply nested array", new string('[', 5000) + new string(']', 5000), ParseError);
        yield return new("deeply nested params", Envelope("tools/list", null).ToJsonString().Replace("\"params\":null", "\"params\":" + Nest(300)), null,
            Statuses: [HttpStatusCode.OK, HttpStatusCode.BadRequest]);
        yield return new("body over the limit", Envelope("tools/list", new JsonObject { ["pad"] = new string('x', 3 * 1024 * 1024) }).ToJsonString(), null,
            Statuses: [HttpStatusCode.RequestEntityTooLarge]);
        yield return new("text/plain", Envelope("tools/list", null).ToJsonString(), null, ContentType: "text/plain", Statuses: clientError);
        yield return new("accepts only HTML", Envelope("tools/list", null).ToJsonString(), null, Accept: "text/html", Statuses: clientError);
        yield return new("no jsonrpc", """{"id":1,"method":"tools/list"}""", InvalidRequest);
        yield return new("jsonrpc 1.0", """{"jsonrpc":"1.0","id":1,"method":"tools/list"}""", InvalidRequest);
        yield return new("no method", """{"jsonrpc":"2.0","id":1}""", InvalidRequest);
        yield return new("method is a number", """{"jsonrpc":"2.0","id":1,"method":7}""", InvalidRequest);
        foreach (var (name, id) in new (string, string)[] { ("object", "{}"), ("array", "[1]"), ("bool", "true"), ("fraction", "1.5") })
            yield return new($"id is {name}", $$"""{"jsonrpc":"2.0","id":{{id}},"method":"tools/list"}""", InvalidRequest);
        yield return new("id 2^63", """{"jsonrpc":"2.0","id":9223372036854775808,"method":"ping"}""", null, Statuses: [HttpStatusCode.OK, HttpStatusCode.BadRequest]);
        yield return new("a notification", """{"jsonrpc":"2.0","method":"notifications/initialized"}""", null, Statuses: [HttpStatusCode.Accepted]);
        yield return new("a response to nothing", """{"jsonrpc":"2.0","id":99,"result":{}}""", null, Statuses: [HttpStatusCode.Accepted, HttpStatusCode.BadRequest]);
        foreach (var method in new[] { "tools/lists", "no/such/method", "", "resources/list", "prompts/list", "completion/complete", "sampling/createMessage", "TOOLS/LIST" })
            yield return Call(method, null, MethodNotFound, $"method '{method}'");
        yield return Call("ping", null, null);
        yield return Call("tools/list", new JsonArray(1), InvalidParams, "tools/list with params an array");
        yield return Call("tools/list", new JsonObject { ["cursor"] = 5 }, InvalidParams, "tools/list with a numeric cursor");
        yield return Call("initialize", new JsonObject { ["protocolVersion"] = new JsonArray() }, InvalidParams, "initialize with bad params");
        yield return Call("tools/call", null, InvalidParams, "tools/call without params");
        yield return Call("tools/call", new JsonObject(), InvalidParams, "tools/call without a name");
        yield return Call("tools/call", new JsonObject { ["name"] = 5 }, InvalidParams, "tools/call with a numeric name");
        yield return Call("tools/call", new JsonObject { ["name"] = "no_such_tool" }, InvalidParams, "tools/call of an unknown tool");
        yield return Call("tools/call", new JsonObject { ["name"] = "usage", ["arguments"] = new JsonArray(1) }, InvalidParams, "arguments an array");
        yield return Call("tools/call", new JsonObject { ["name"] = "usage", ["arguments"] = "x" }, InvalidParams, "arguments a string");
        yield return Call("tools/call", new JsonObject { ["name"] = "usage", ["arguments"] = Deep }, ParseError, "arguments nested 300 deep");
    }

    /// <summary>Every tool with arguments from its input schema: a valid set, then each property wrong in each way, each required one missing.</summary>
    public static IEnumerable<McpFuzzRequest> ToolCalls(JsonNode tool)
    {
        var name = tool["name"]!.GetValue<string>();
        var schema = tool["inputSchema"]!;
        var properties = schema["properties"]?.AsObject() ?? new JsonObject();
        var required = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToList() ?? [];
        var valid = new JsonObject(properties.Where(p => required.Contains(p.Key)).Select(p => KeyValuePair.Create(p.Key, Example(p.Key, p.Value!))));
        McpFuzzRequest With(string variant, JsonObject args, bool toolError, int? expect = null) =>
            Call("tools/call", new JsonObject { ["name"] = name, ["arguments"] = args }, expect, $"{name}: {variant}", toolError);
        JsonObject Set(string key, JsonNode? value) { var copy = (JsonObject)valid.DeepClone(); copy[key] = value; return copy; }

        yield return With("required arguments only", valid, toolError: name is "explain_notification" or "get_workflow_run" or "cancel_run"
            or "preview_template" or "send_test" or "trigger_workflow_test");   // an id that is nobody's, a template that is not there
        yield return With("an unknown argument", Set("notAnArgument", 1), toolError: false);
        foreach (var r in required)
        {
            var without = (JsonObject)valid.DeepClone();
            without.Remove(r);
            yield return With($"{r} missing", without, toolError: true);
        }
        foreach (var (key, property) in properties)
        {
            var types = Types(property!);
            foreach (var (variant, value) in WrongValues(types, property!))
                yield return value is JsonValue v && v.ToString() == Deep ? With($"{key}: {variant}", Set(key, value), toolError: false, ParseError)
                    : With($"{key}: {variant}", Set(key, value), toolError: true);
            yield return With($"{key}: null", Set(key, null), toolError: !(types.Count == 0 || Nullable(property!)));
            if (types.Contains("string") && property!["format"] is null)
            {
                yield return With($"{key}: 100,000 characters", Set(key, new string('q', 100_000)), toolError: required.Contains(key));
                yield return With($"{key}: NUL and unicode", Set(key, "x\0é😀\u202e"), toolError: required.Contains(key));
            }
        }
    }

    private static IEnumerable<(string, JsonNode)> WrongValues(IReadOnlyList<string> types, JsonNode property)
    {
        if (!types.Contains("object")) yield return ("an object", new JsonObject { ["a"] = 1 });
        if (!types.Contains("array")) yield return ("an array", new JsonArray(1, 2));
        if (!types.Contains("boolean") && !types.Contains("string")) yield return ("a boolean", true);
        if (types.Contains("integer")) { yield return ("2^64", JsonNode.Parse("18446744073709551616")!); yield return ("a fraction", 1.5); yield return ("a string", "abc"); }
        if (!types.Contains("integer") && !types.Contains("number") && !types.Contains("string")) yield return ("a number", 7);
        if (property["format"]?.GetValue<string>() is "uuid" or "date-time") yield return ($"not a {property["format"]}", "not-a-value");
        if (types.Contains("object")) yield return ("an object nested 300 deep", Deep);
    }

    private static JsonNode Example(string key, JsonNode property) => property["format"]?.GetValue<string>() switch
    {
        "uuid" => Guid.NewGuid().ToString(),
        "date-time" => DateTimeOffset.UtcNow.ToString("O"),
        _ => Types(property).FirstOrDefault() switch
        {
            "integer" => 1,
            "number" => 1.5,
            "boolean" => true,
            "object" => new JsonObject(),
            "array" => new JsonArray(),
            _ => key == "to" ? "sandbox" : key == "userId" ? "test-fuzz" : "x",
        },
    };

    private static bool Nullable(JsonNode schema) => schema["type"] is JsonArray a && a.Any(t => t!.GetValue<string>() == "null");

    private static IReadOnlyList<string> Types(JsonNode schema) => schema["type"] switch
    {
        JsonArray a => [.. a.Select(t => t!.GetValue<string>()).Where(t => t != "null")],
        JsonValue v => [v.GetValue<string>()],
        _ => [],
    };

    private static string Nest(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
}
