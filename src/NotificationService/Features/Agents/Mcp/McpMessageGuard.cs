using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Agents.Mcp;

/// <summary>
/// Each POST to `/mcp` read, bounded and parsed here before the MCP library sees it, for the answers the protocol names:
/// a body over <see cref="McpEndpoints.BodyLimit"/> is a 413 on any server (the in-memory test server ignores the
/// endpoint's size metadata that Kestrel honours); text that is not JSON, or nests deeper than <see cref="MaxDepth"/>, is
/// JSON-RPC's parse error (-32700; the library says "invalid request"); and a request whose params the library cannot read
/// is invalid params (-32602), where the library answered an internal error, or for `initialize` a 500. A call of a tool
/// that does not exist is invalid params too, answered here: thrown from the tool filter, the library logged the caller's
/// typo as an error with a stack trace.
/// </summary>
public static class McpMessageGuard
{
    public const int MaxDepth = 64;

    /// <summary>The params each method reads, and whether it must have them; other methods' params the library reads as it may.</summary>
    private static readonly Dictionary<string, (Type Type, bool Required)> Params = new()
    {
        [RequestMethods.Initialize] = (typeof(InitializeRequestParams), true),
        [RequestMethods.ToolsList] = (typeof(ListToolsRequestParams), false),
        [RequestMethods.ToolsCall] = (typeof(CallToolRequestParams), true),
    };

    public static RequestDelegate Around(RequestDelegate next) => async http =>
    {
        if (!HttpMethods.IsPost(http.Request.Method)) { await next(http); return; }
        var body = await ReadAsync(http.Request, http.RequestAborted);
        JsonDocument message;
        try { message = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth }); }
        catch (JsonException e)
        {
            await ErrorAsync(http, StatusCodes.Status400BadRequest, null, McpErrorCode.ParseError, $"Parse error: {e.Message}");
            return;
        }
        using (message)
            if (UnreadableParams(message.RootElement) is { } problem)
            {
                await ErrorAsync(http, StatusCodes.Status200OK, problem.Id, McpErrorCode.InvalidParams, problem.Message);
                return;
            }
        http.Request.Body = new MemoryStream(body, writable: false);
        await next(http);
    };

    private static async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        const string tooLarge = "An MCP message is at most 2 MB.";
        if (request.ContentLength > McpEndpoints.BodyLimit) throw new PayloadTooLargeException(tooLarge);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        for (int read; (read = await request.Body.ReadAsync(chunk, ct)) > 0;)
        {
            if (buffer.Length + read > McpEndpoints.BodyLimit) throw new PayloadTooLargeException(tooLarge);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>A request (an object with a method and an id) whose params its method cannot read: the id and why.</summary>
    private static (JsonElement Id, string Message)? UnreadableParams(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("id", out var id)
            || id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number)
            || !root.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String
            || Params.Keys.FirstOrDefault(m => method.ValueEquals(m)) is not { } name)   // never GetString: a lone surrogate throws
            return null;
        var expected = Params[name];
        if (!root.TryGetProperty("params", out var @params) || @params.ValueKind == JsonValueKind.Null)
            return expected.Required ? (id, $"Invalid params: '{name}' needs params.") : null;
        try
        {
            var read = @params.Deserialize(McpJsonUtilities.DefaultOptions.GetTypeInfo(expected.Type));
            return read is CallToolRequestParams { Name: var tool } && (tool is null || !ScopeTable.Tools.ContainsKey(tool))
                ? (id, tool is { Length: <= 64 } ? $"Unknown tool: '{tool}'." : "Unknown tool: tools/list names the tools.") : null;
        }
        catch (JsonException e)
        {
            return (id, $"Invalid params for '{name}': {e.Message}");
        }
    }

    private static async Task ErrorAsync(HttpContext http, int status, JsonElement? id, McpErrorCode code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(http.Response.Body);
        json.WriteStartObject();
        json.WriteString("jsonrpc", "2.0");
        json.WritePropertyName("id");
        if (id is { } given) given.WriteTo(json); else json.WriteNullValue();
        json.WriteStartObject("error");
        json.WriteNumber("code", (int)code);
        json.WriteString("message", message);
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(http.RequestAborted);
    }
}
