using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Sending.Bulk;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// A bulk job's live progress (console.js polls the Progress handler and works out rows/s from the counts it sees),
/// cancel (the API's own cancel), a dry run's preview table and the rejected rows as CSV. Another tenant's job: 404.
/// </summary>
public sealed partial class BulkJobModel(BulkQueries queries) : ConsolePage
{
    public BulkJobStatus? Status { get; private set; }
    public bool Running => Status?.Status is "validating" or "enqueuing";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if ((Status = await queries.GetAsync(TenantId, id, ct)) is null) return NotFound();
        if (Status.DryRun) Preview = await PreviewAsync(Status, ct);
        return Page();
    }

    public async Task<IActionResult> OnGetProgressAsync(Guid id, CancellationToken ct)
    {
        if (await queries.GetAsync(TenantId, id, ct) is not { } s) return NotFound();
        var done = s.Status is "completed" or "failed" or "cancelled";
        return new JsonResult(new { state = s.Status, done, processedRows = s.ProcessedRows, totalRows = s.TotalRows,
            rejectedRows = s.RejectedRows, percent = s.Percent, rowsPerSecond = s.RowsPerSecond, error = s.Error });
    }

    /// <summary>
    /// The same cancel as `POST …/bulk/{id}/cancel`: no further chunk commits; rows already enqueued are still sent.
    /// Not audited, like the API's cancel (a bulk job is a send, not an admin change).
    /// </summary>
    public async Task<IActionResult> OnPostCancelAsync(Guid id, CancellationToken ct)
    {
        try
        {
            await queries.CancelAsync(TenantId, id, ct);
            Flash = "Cancelled: no more rows are read; rows already enqueued are still sent.";
        }
        catch (NotFoundException) { return NotFound(); }   // another tenant's job
        catch (ConflictException e) { Flash = $"Not cancelled: {e.Message}"; }
        return RedirectToPage(new { id });
    }

    /// <summary>The rejected rows as uploaded (addresses and all): not for viewers, who see people's data masked.</summary>
    public async Task<IActionResult> OnGetErrorsAsync(Guid id, CancellationToken ct)
    {
        if (MasksPersonalData) return StatusCode(StatusCodes.Status403Forbidden);
        if (await queries.GetAsync(TenantId, id, ct) is null) return NotFound();
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"bulk-{id}-errors.csv\"";
        await queries.WriteErrorsCsvAsync(TenantId, id, Response.Body, ct);
        return new EmptyResult();
    }
}
