using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Agents.Mcp;

/// <summary>
/// Tools by credential: a list shows only the tools the caller may call, and a call of any other is refused before it
/// runs, naming what it needs. A call of a tool that does not exist is JSON-RPC's invalid params (-32602). Arguments the
/// tool's input schema refuses are the tool's error result naming each argument, as the protocol asks of input validation
/// (a model reads a tool error and corrects its call; a protocol error it may never see). Every admitted call is audited
/// with the tool's name (never its arguments: they may name a person). A tool's refusal (an <see cref="McpException"/>: not
/// found, a bad argument) is the tool's error result with its message, as an API refusal is a 4xx: the caller's to
/// correct, so it is no error-level log line with a stack trace (the library logs any exception that leaves the filters
/// so). A real fault still leaves and is logged.
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
        if (ToolArguments.Problems(known!.ProtocolTool.InputSchema, context.Params!.Arguments) is [_, ..] problems)
            return Refusal($"Invalid arguments for '{tool}': {string.Join("; ", problems)}.");
        await context.Services!.GetRequiredService<AuditLog>().RecordAsync(user, $"mcp.{tool}", "mcp_tool", tool, null, null, ct);
        try { return await next(context, ct); }
        catch (McpException e) when (e is not McpProtocolException) { return Refusal(e.Message); }
        catch (ApiException e) when (e.Status < StatusCodes.Status500InternalServerError) { return Refusal(ToolErrors.From(e).Message); }
    };

    private static CallToolResult Refusal(string message) => new() { IsError = true, Content = [new TextContentBlock { Text = message }] };
}
