using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Contracts;
using NotificationService.Features.Auth;
using NotificationService.Features.Tenants;
using NotificationService.Queue;

namespace NotificationService.Features.Bulk;

/// <summary>CSV bulk jobs: upload, progress, rejected-row report, cancel.</summary>
public static class BulkEndpoints
{
    public sealed record BulkAccepted(Guid JobId, string Status, string StatusUrl);

    public static IServiceCollection AddBulk(this IServiceCollection services) => services
        .AddSingleton<BulkJobStore>()
        .AddSingleton<BulkTemplateCheck>()
        .AddSingleton<BulkFileStore>()
        .AddSingleton<IRetainedData>(sp => sp.GetRequiredService<BulkFileStore>())
        .AddSingleton<BulkUpload>()
        .AddSingleton<BulkChunkWriter>()
        .AddSingleton<BulkPreview>()
        .AddSingleton<BulkJobEnd>()
        .AddSingleton<BulkQueries>()
        .AddSingleton<IJobHandler, BulkJobHandler>()
        .AddSingleton(new WorkQueue(BulkJobHandler.QueueName));

    public static void MapBulk(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/services/notifications/bulk").WithTags("Bulk CSV");
        group.MapPost("/csv", UploadAsync).WithSummary("Upload a CSV of recipients as a bulk job").AddOpenApiOperationTransformer(BulkUploadForm.DescribeAsync).RequireAuthorization(Scopes.Send).DisableAntiforgery();
        group.MapGet("/{jobId:guid}", async Task<Results<Ok<BulkJobStatus>, NotFound>> (Guid jobId, HttpContext http, BulkQueries q, CancellationToken ct) =>
            await q.GetAsync(http.User.TenantId(), jobId, ct) is { } s ? TypedResults.Ok(s) : TypedResults.NotFound()).WithSummary("Get a bulk job's status and counts").RequireAuthorization(Scopes.Read);
        group.MapGet("/{jobId:guid}/errors", ErrorsAsync).WithSummary("Download the rows a bulk job rejected").RequireAuthorization(Scopes.Read);
        group.MapPost("/{jobId:guid}/cancel", async Task<Results<Ok<BulkJobStatus>, NotFound>> (Guid jobId, HttpContext http, BulkQueries q, CancellationToken ct) =>
        {
            await q.CancelAsync(http.User.TenantId(), jobId, ct);
            return TypedResults.Ok((await q.GetAsync(http.User.TenantId(), jobId, ct))!);
        }).WithSummary("Cancel a bulk job").RequireAuthorization(Scopes.Send);
    }

    private static async Task<Accepted<BulkAccepted>> UploadAsync(HttpContext http, BulkUpload upload, CancellationToken ct)
    {
        var jobId = await upload.AcceptAsync(http.User.TenantId(), http.Request, ct);
        var url = $"/api/v1/services/notifications/bulk/{jobId}";
        return TypedResults.Accepted(url, new BulkAccepted(jobId, "validating", url));
    }

    private static async Task ErrorsAsync(Guid jobId, HttpContext http, BulkQueries queries, CancellationToken ct)
    {
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"bulk-{jobId}-errors.csv\"";
        if (!await queries.WriteErrorsCsvAsync(http.User.TenantId(), jobId, http.Response.Body, ct))
        {
            http.Response.ContentType = null;
            http.Response.Headers.ContentDisposition = default;
            http.Response.StatusCode = 404;
        }
    }
}
