using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Agents.Mcp;

/// <summary>The official C# MCP client on the in-process service, with a credential; tool answers as JSON.</summary>
public static class McpSessions
{
    public static async Task<McpClient> McpAsync(this ServiceFixture service, string credential)
    {
        var http = service.Client(credential);
        var options = new HttpClientTransportOptions { Endpoint = new Uri(http.BaseAddress!, "/mcp"), TransportMode = HttpTransportMode.StreamableHttp };
        return await McpClient.CreateAsync(new HttpClientTransport(options, http, null, true));
    }

    /// <summary>A new member of the tenant with this role, and the admin API token their account page would make them.</summary>
    public static async Task<(Member Member, string Token)> MemberTokenAsync(this ServiceFixture service, TestTenant tenant, string role)
    {
        var member = await service.Factory.Services.GetRequiredService<MemberStore>()
            .CreateAsync(tenant.Id, $"{role}-{Guid.NewGuid():N}@example.com", $"A {role}", role, default);
        var (token, _) = await service.Factory.Services.GetRequiredService<MemberApiTokens>()
            .CreateAsync(MemberSessions.PrincipalOf(member, MemberSessions.Password), default);
        return (member, token);
    }

    /// <summary>A new key of the tenant with exactly these scopes.</summary>
    public static async Task<string> KeyAsync(this TestTenant tenant, params string[] scopes)
    {
        var created = await (await tenant.Http.PostJsonAsync("/api/v1/admin/api-keys", new { name = "agent", scopes })).JsonAsync();
        return created["key"]!.GetValue<string>();
    }

    public static async Task<CallToolResult> CallAsync(this McpClient client, string tool, object? args = null) =>
        await client.CallToolAsync(tool, args is null ? null : JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(args))!.AsObject()
            .ToDictionary(p => p.Key, p => (object?)p.Value));

    /// <summary>A call that must succeed: its JSON answer.</summary>
    public static async Task<JsonNode> CallOkAsync(this McpClient client, string tool, object? args = null)
    {
        var result = await client.CallAsync(tool, args);
        Assert.True(result.IsError != true, $"{tool}: {Text(result)}");
        return JsonNode.Parse(Text(result))!;
    }

    public static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    public static async Task<JsonNode> ExplainAsync(this McpClient client, Guid id) => await client.CallOkAsync("explain_notification", new { id });
}
