using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Agents.Mcp;

/// <summary>The official C# MCP client on the service's `/mcp`, carrying one credential (a key or a member token).</summary>
public static class McpSession
{
    public static async Task<McpClient> ConnectAsync(ServiceFixture service, string credential)
    {
        var http = service.Client(credential);
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(http.BaseAddress!, "/mcp"), TransportMode = HttpTransportMode.StreamableHttp,
        }, http, ownsHttpClient: true);
        return await McpClient.CreateAsync(transport);
    }

    public static async Task<string> NewKeyAsync(TestTenant tenant, params string[] scopes)
    {
        var created = await (await tenant.Http.PostJsonAsync("/api/v1/admin/api-keys", new { name = "agent", scopes })).JsonAsync();
        return created["key"]!.GetValue<string>();
    }

    public static async Task<CallToolResult> CallAsync(this McpClient client, string tool, object? args = null) =>
        await client.CallToolAsync(tool, args is null ? null : System.Text.Json.JsonSerializer.SerializeToNode(args)!.AsObject()
            .ToDictionary(p => p.Key, p => (object?)p.Value));

    public static string Text(this CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    public static JsonNode Json(this CallToolResult result) => JsonNode.Parse(result.Text())!;

    public static async Task<JsonNode> ExplainAsync(this McpClient client, Guid id) =>
        (await client.CallAsync("explain_notification", new { id })).Json();
}
