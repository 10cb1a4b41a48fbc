using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Infrastructure;
using NotificationService.Workflows.Definitions;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// One run (`/admin/workflows/runs/{id}`): its facts, its timeline and the picture of its pinned version with what the run
/// did at each step; cancel and resume through the API's <see cref="RunCommands"/>. Another tenant's run is a 404.
/// </summary>
public sealed class WorkflowRunModel(RunStore runs, WorkflowStore workflows, RunCommands commands, AuditLog audit) : ConsolePage
{
    public RunView? Run { get; private set; }
    public WorkflowDefinition? Definition { get; private set; }
    public Dictionary<string, string> StepStates { get; } = new(StringComparer.Ordinal);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostCancelAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, "workflow.run.cancel", "Run cancelled: its wait or delay stopped.", () => commands.CancelAsync(TenantId, id, ct), ct);

    public Task<IActionResult> OnPostResumeAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, "workflow.run.resume", "Run resumed where it stopped.", () => commands.ResumeAsync(TenantId, id, ct), ct);

    private async Task<IActionResult> ActAsync(Guid id, string action, string done, Func<Task> act, CancellationToken ct)
    {
        try
        {
            await act();
            await audit.RecordAsync(Caller, action, "workflow_run", id.ToString(), null, null, ct);
            Flash = done;
            return RedirectToPage(new { id });
        }
        catch (NotFoundException) { return NotFound(); }
        catch (ConflictException e) { FieldErrors[""] = [e.Message]; }
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        Run = await runs.GetAsync(TenantId, id, ct);
        if (Run is null) return false;
        Definition = (await workflows.VersionAsync(TenantId, Run.Workflow, Run.Version, publishedOnly: false, ct))?.Definition;
        foreach (var s in Run.Steps) StepStates[s.StepId] = s.State;
        return true;
    }
}
