using Microsoft.AspNetCore.Authorization;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using NotificationService.Features.Tenancy.Auth;

namespace NotificationService.Features.Agents.Mcp;

/// <summary>
/// The MCP server (Streamable HTTP at `/mcp`): agents call the service's own queries and commands as tools, with the
/// caller's key or member token. Stateless, so every replica answers every call and no session outlives its request.
/// </summary>
public static class McpEndpoints
{
    public const string Route = "/mcp";

    public static IServiceCollection AddAgentMcp(this IServiceCollection services)
    {
        services.AddMcpServer(o => o.ServerInfo = new Implementation { Name = "notification-service", Version = "1" })
            .WithHttpTransport(o => o.Stateless = true)
            .WithTools<NotificationTools>()
            .WithTools<WorkflowTools>()
            .WithRequestFilters(filters => filters
                .AddListToolsFilter(next => async (context, ct) =>
                {
                    var result = await next(context, ct);
                    result.Tools = [.. result.Tools.Where(t => McpToolAccess.Admits(context.User, t.Name))];
                    return result;
                })
                .AddCallToolFilter(next => async (context, ct) =>
                    McpToolAccess.Admits(context.User, context.Params?.Name ?? "")
                        ? await next(context, ct)
                        : McpToolAccess.Refusal(context.Params?.Name ?? "")));
        return services;
    }

    /// <summary>Any live key or member token reaches the endpoint; which tools it lists and may call is decided per tool.</summary>
    public static void MapAgentMcp(this WebApplication app) =>
        app.MapMcp(Route).ExcludeFromDescription()
            .RequireAuthorization(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());
}
