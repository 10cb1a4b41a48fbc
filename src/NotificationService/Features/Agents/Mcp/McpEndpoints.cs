using Microsoft.AspNetCore.Mvc;
using ModelContextProtocol.AspNetCore;
using NotificationService.Features.Tenancy.Auth;

namespace NotificationService.Features.Agents.Mcp;

/// <summary>
/// The MCP server (Streamable HTTP at `/mcp`) for agents: the tenant's notifications, workflows, queues and usage as tools,
/// each seen and called only by a credential its row in the scope table (keys) or the role table (members) admits
/// (<see cref="McpToolGate"/>). Stateless: every JSON-RPC message is one HTTP request, so each call passes the service's
/// authentication, per-tenant rate limit (the admin class) and body limit like any API request, on any replica.
/// </summary>
public static class McpEndpoints
{
    public const string Path = "/mcp";
    /// <summary>A tool call's arguments are small; a template preview's data is the largest (the preview API allows 1 MB of it).</summary>
    public const int BodyLimit = 2 * 1024 * 1024;

    public static IServiceCollection AddMcp(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddMcpServer(o => o.ServerInfo = new() { Name = "NotificationService", Version = "1" })
            .WithHttpTransport(o => o.Stateless = true)
            .WithTools<NotificationTools>()
            .WithTools<OperationsTools>()
            .WithTools<WriteTools>()
            .WithTools<TemplateTools>()
            .WithTools<TestTools>()
            .WithRequestFilters(f => f.AddListToolsFilter(McpToolGate.ListOnlyAdmitted).AddCallToolFilter(McpToolGate.AdmitAndAudit));
        return services;
    }

    public static void MapMcp(this WebApplication app)
    {
        var mcp = McpEndpointRouteBuilderExtensions.MapMcp(app, Path)
            .RequireAuthorization(p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser()
                .RequireClaim(AuthClaims.TenantIdClaim))
            .WithMetadata(new RequestSizeLimitAttribute(BodyLimit))
            .ExcludeFromDescription();   // JSON-RPC, not REST: the OpenAPI document (and the scope matrix walking it) leaves it out
        mcp.Add(endpoint => endpoint.RequestDelegate = endpoint.RequestDelegate is { } library ? McpMessageGuard.Around(library) : null);
    }
}
