using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Bulk;

namespace NotificationService.Features.Console.Pages;

/// <summary>A bulk job's live progress (console.js polls the Progress handler) and its rejected rows as CSV.</summary>
public sealed class BulkJobModel(BulkQueries queries) : ConsolePage
{
    public BulkJobStatus? Status { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        (Status = await queries.GetAsync(TenantId, id, ct)) is null ? NotFound() : Page();

    public async Task<IActionResult> OnGetProgressAsync(Guid id, CancellationToken ct)
    {
        if (await queries.GetAsync(TenantId, id, ct) is not { } s) return NotFound();
        var done = s.Status is "completed" or "failed" or "cancelled";
        return new JsonResult(new { state = s.Status, done, processedRows = s.ProcessedRows, totalRows = s.TotalRows, rejectedRows = s.RejectedRows, percent = s.Percent, rowsPerSecond = s.RowsPerSecond });
    }

    public async Task<IActionResult> OnGetErrorsAsync(Guid id, CancellationToken ct)
    {
        if (await queries.GetAsync(TenantId, id, ct) is null) return NotFound();
        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = $"attachment; filename=\"bulk-{id}-errors.csv\"";
        await queries.WriteErrorsCsvAsync(TenantId, id, Response.Body, ct);
        return new EmptyResult();
    }
}
