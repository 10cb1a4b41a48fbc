using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Agents.Mcp;

/// <summary>Write tools on workflow runs, through the API's own commands (and its 404/409 rules).</summary>
[McpServerToolType]
public sealed class WorkflowTools(RunCommands commands)
{
    [McpServerTool(Name = "cancel_workflow_run", Destructive = true), Description("Cancel one workflow run: its wait or delay stops at once.")]
    public async Task<string> CancelRunAsync(RequestContext<CallToolRequestParams> context,
        [Description("The run's id")] Guid runId, CancellationToken ct = default)
    {
        try
        {
            await commands.CancelAsync(context.User!.TenantId(), runId, ct);
            return "The run is cancelled.";
        }
        catch (NotFoundException) { return "No such run."; }
        catch (ConflictException e) { return e.Message; }
    }
}
