using System.ComponentModel;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Agents.Mcp;

/// <summary>Tools that change something: listed and callable only with their row's scope (`notifications:send`) or role.</summary>
[McpServerToolType]
public sealed class WriteTools(RunCommands commands, IHttpContextAccessor http)
{
    public sealed record Cancelled(Guid RunId, string State);

    [McpServerTool(Name = "cancel_run", Destructive = true, Idempotent = false), Description(
        "Cancel a workflow run that is still going: its waiting steps stop and its unsent notifications are cancelled.")]
    public async Task<Cancelled> CancelRunAsync([Description("The run's id")] Guid runId, CancellationToken ct = default)
    {
        try
        {
            await commands.CancelAsync(http.HttpContext!.User.TenantId(), runId, ct);
            return new Cancelled(runId, "cancelled");
        }
        catch (ApiException e) when (e.Status is 404 or 409)   // the API's answer, in words the agent can pass on
        {
            throw new McpException(e.Message);
        }
    }
}
