using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;

namespace NotificationService.Features.Agents.Mcp;

/// <summary>
/// Tools by credential: a list shows only the tools the caller may call, and a call of any other is refused before it
/// runs, naming what it needs. A call of a tool that does not exist, or with arguments its schema refuses, is JSON-RPC's
/// invalid params (-32602), naming what is wrong. Every admitted call is audited with the tool's name (never its
/// arguments: they may name a person).
/// </summary>
public static class McpToolGate
{
    public static McpRequestHandler<ListToolsRequestParams, ListToolsResult> ListOnlyAdmitted(
        McpRequestHandler<ListToolsRequestParams, ListToolsResult> next) => async (context, ct) =>
    {
        var result = await next(context, ct);
        result.Tools = result.Tools.Where(t => context.User?.MayCall(t.Name) == true).ToList();
        return result;
    };

    public static McpRequestHandler<CallToolRequestParams, CallToolResult> AdmitAndAudit(
        McpRequestHandler<CallToolRequestParams, CallToolResult> next) => async (context, ct) =>
    {
        var tool = context.Params?.Name ?? "";
        if (!ScopeTable.Tools.TryGetValue(tool, out var access)
            || context.Server.ServerOptions.ToolCollection?.TryGetPrimitive(tool, out var known) != true)
            throw new McpProtocolException($"Unknown tool: '{tool}'.", McpErrorCode.InvalidParams);
        if (context.User is not { } user || !user.MayCall(tool))
            return Refusal($"'{tool}' is not available to this credential: a key needs {access}; a member needs a role that allows it.");
        if (ToolArguments.Problems(known.ProtocolTool.InputSchema, context.Params!.Arguments) is [_, ..] problems)
            throw new McpProtocolException($"Invalid arguments for '{tool}': {string.Join("; ", problems)}.", McpErrorCode.InvalidParams);
        await context.Services!.GetRequiredService<AuditLog>().RecordAsync(user, $"mcp.{tool}", "mcp_tool", tool, null, null, ct);
        return await next(context, ct);
    };

    private static CallToolResult Refusal(string message) => new() { IsError = true, Content = [new TextContentBlock { Text = message }] };
}
