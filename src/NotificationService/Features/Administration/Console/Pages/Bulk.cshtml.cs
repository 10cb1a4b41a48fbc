using Microsoft.AspNetCore.Mvc;
using NotificationService.Features.Sending.Bulk;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// Upload through the same <see cref="BulkUpload"/> as the API, which streams the multipart body itself. console.js
/// posts the form with fetch and the antiforgery token in its header, so validating the token never buffers the file.
/// </summary>
[StreamedBody]
public sealed class BulkModel(BulkUpload upload, BulkQueries queries) : ConsolePage
{
    public const int PageSize = 25;

    /// <summary>Every job of the tenant, newest first: uploaded here or through the API (`POST /bulk/csv`).</summary>
    public IReadOnlyList<BulkJobListing> Jobs { get; private set; } = [];
    public string? OlderCursor { get; private set; }

    public async Task OnGetAsync(string? before, CancellationToken ct)
    {
        (DateTimeOffset, Guid)? after = null;
        if (before?.Split('_') is [var ticks, var id] && long.TryParse(ticks, out var t) && Guid.TryParse(id, out var g))
            after = (new DateTimeOffset(t, TimeSpan.Zero), g);
        Jobs = await queries.ListAsync(TenantId, after, PageSize, ct);
        if (Jobs.Count == PageSize) OlderCursor = $"{Jobs[^1].Status.CreatedAt.UtcTicks}_{Jobs[^1].Status.JobId}";
    }

    public static bool IsRunning(BulkJobStatus s) => s.Status is "validating" or "enqueuing";

    public async Task<IActionResult> OnPostUploadAsync()
    {
        var ct = HttpContext.RequestAborted;
        try
        {
            var jobId = await upload.AcceptAsync(TenantId, Request, ct);
            return new JsonResult(new { jobId, url = $"/admin/bulk/{jobId}" });
        }
        catch (ApiException e)
        {
            var detail = e is RequestValidationException v
                ? string.Join(" ", v.Errors.SelectMany(f => f.Value.Select(m => $"{f.Key}: {m}")))
                : e.Message;
            return new JsonResult(new { error = detail }) { StatusCode = e.Status };
        }

    }
}

/// <summary>Keeps model binding from reading the form (and so buffering the upload) before the handler streams the body.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class StreamedBodyAttribute : Attribute, Microsoft.AspNetCore.Mvc.Filters.IResourceFilter
{
    public void OnResourceExecuting(Microsoft.AspNetCore.Mvc.Filters.ResourceExecutingContext context)
    {
        var factories = context.ValueProviderFactories;
        foreach (var form in factories.Where(f => f is Microsoft.AspNetCore.Mvc.ModelBinding.FormValueProviderFactory
                     or Microsoft.AspNetCore.Mvc.ModelBinding.FormFileValueProviderFactory
                     or Microsoft.AspNetCore.Mvc.ModelBinding.JQueryFormValueProviderFactory).ToList())
            factories.Remove(form);
    }

    public void OnResourceExecuted(Microsoft.AspNetCore.Mvc.Filters.ResourceExecutedContext context) { }
}
