using NotificationService.Features.Automation.Workflows;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>Workflow runs (`/admin/workflows/runs`), newest first, filtered as the API's list is (workflow, user, state).</summary>
public sealed class WorkflowRunsModel(RunStore runs) : ConsolePage
{
    private const int PageSize = 50;
    public static readonly string[] States = ["running", "waiting", "completed", "cancelled", "failed"];
    public string? Workflow { get; private set; }
    public string? UserId { get; private set; }
    public string? State { get; private set; }
    public RunPage Listing { get; private set; } = new([], null);

    public async Task OnGetAsync(string? workflow, string? userId, string? state, Guid? cursor, CancellationToken ct)
    {
        Workflow = string.IsNullOrWhiteSpace(workflow) ? null : workflow.Trim();
        UserId = string.IsNullOrWhiteSpace(userId) ? null : userId.Trim();
        State = States.Contains(state) ? state : null;
        Listing = await runs.ListAsync(TenantId, new RunFilter(Workflow, UserId, State), cursor, PageSize, ct);
    }
}
