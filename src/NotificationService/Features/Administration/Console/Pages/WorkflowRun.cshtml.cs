using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Automation.Digests;
using NotificationService.Features.Automation.Workflows;
using NotificationService.Infrastructure;
using NotificationService.Workflows.Definitions;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// One run (`/admin/workflows/runs/{id}`): its facts, its timeline and the picture of its pinned version with what the run
/// did at each step, and the digest windows it waits in or carried with their events (a digested run's timeline links the
/// run that carried it); cancel and resume through the API's <see cref="RunCommands"/>. Another tenant's run is a 404.
/// </summary>
public sealed partial class WorkflowRunModel(RunStore runs, WorkflowStore workflows, RunCommands commands, AuditLog audit,
    DigestWindowViews windows) : ConsolePage
{
    public RunView? Run { get; private set; }
    public IReadOnlyList<RunWindowView> Windows { get; private set; } = [];
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
        Windows = await windows.OfRunAsync(TenantId, id, ct);
        return true;
    }

    /// <summary>The run a `digested` timeline line names as its carrier.</summary>
    public static Guid? CarrierIn(string? detail) =>
        detail is not null && CarriedBy().Match(detail) is { Success: true } m && Guid.TryParse(m.Groups[1].Value, out var id) ? id : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"^carried by run ([0-9a-f-]{36})$")]
    private static partial System.Text.RegularExpressions.Regex CarriedBy();

    /// <summary>What the run did with the window, in a sentence.</summary>
    public static string Sentence(RunWindowView w) =>
        (w.Role switch { "carried" => "This run carries the digest of", "passed first" => "This run passed at once as the first event of",
            _ => "This run waits in" })
        + $" a {w.Kind} window: {w.State}, {w.Events} event(s), opened {w.OpenedAt:u}, "
        + (w.ClosedAt is { } c ? $"closed {c:u}." : $"closes {w.ClosesAt:u}.");
}
