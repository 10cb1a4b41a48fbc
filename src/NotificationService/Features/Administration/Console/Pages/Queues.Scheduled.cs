using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>Scheduled sends with cancel (through the ledger's cancel, the API's own path, so the job and the status change
/// together) and the counts as JSON for console.js to refresh the table live.</summary>
public sealed partial class QueuesModel
{
    /// <summary>Only for one tenant: an operator looking at "all tenants" picks one first.</summary>
    public IReadOnlyList<ScheduledSend> Scheduled { get; private set; } = [];

    public async Task<IActionResult> OnPostCancelAsync(string queue, Guid? tenant, Guid id, CancellationToken ct)
    {
        var owner = IsOperator ? tenant : TenantId;
        if (owner is null) return NotFound();
        try { await ledger.CancelAsync(owner.Value, id, ct); }
        catch (NotFoundException) { return NotFound(); }   // another tenant's notification
        catch (ConflictException e)
        {
            Flash = $"Not cancelled: {e.Message}";   // already claimed or done: say so rather than fail
            return RedirectToPage(new { queue, tenant });
        }
        await audit.RecordAsync(Caller, owner.Value, "notification.cancel", "notification", id.ToString(), null,
            new { id, status = "cancelled" }, ct);
        Flash = $"Scheduled send {id} cancelled.";
        return RedirectToPage(new { queue, tenant });
    }

    public async Task<IActionResult> OnGetStatsAsync(Guid? tenant, CancellationToken ct)
    {
        var stats = await jobs.StatsAsync(IsOperator ? tenant : TenantId, ct);
        return new JsonResult(stats.Select(s =>
            new { s.Queue, s.Ready, s.Scheduled, s.Running, s.Dead, oldestReadySeconds = s.OldestReadyAge?.TotalSeconds }));
    }
}
