using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Bulk;

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
        .AddSingleton<BulkErasure>()
        .AddSingleton<ProfileImportWriter>()
        .AddSingleton<IJobHandler, BulkJobHandler>()
        .AddSingleton(new WorkQueue(BulkJobHandler.QueueName));

    public static void MapBulk(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/services/notifications/bulk").WithTags("Bulk CSV").RequireScopes();
        group.MapPost("/csv", UploadAsync).WithSummary("Upload a CSV of recipients as a bulk job")
            .AddOpenApiOperationTransformer(BulkUploadForm.DescribeAsync).DisableAntiforgery();
        group.MapGet("/{jobId:guid}", async Task<Results<Ok<BulkJobStatus>, NotFound>> (Guid jobId, HttpContext http, BulkQueries q,
                CancellationToken ct) =>
            await q.GetAsync(http.User.TenantId(), jobId, ct) is { } s ? TypedResults.Ok(s) : TypedResults.NotFound())
            .WithSummary("Get a bulk job's status and counts");
        group.MapGet("/{jobId:guid}/errors", ErrorsAsync).WithSummary("Download the rows a bulk job rejected");
        group.MapPost("/{jobId:guid}/cancel", async Task<Results<Ok<BulkJobStatus>, NotFound>> (Guid jobId, HttpContext http,
            BulkQueries q, CancellationToken ct) =>
        {
            await q.CancelAsync(http.User.TenantId(), jobId, ct);
            return TypedResults.Ok((await q.GetAsync(http.User.TenantId(), jobId, ct))!);
        }).WithSummary("Cancel a bulk job");
        MapProfileImport(app);
    }

    /// <summary>
    /// The CSV import of recipient profiles, a bulk job of kind `profiles` under the users' path and scopes: the same
    /// streamed upload, chunked checkpoints, progress and error report as a CSV send.
    /// </summary>
    private static void MapProfileImport(WebApplication app)
    {
        var group = app.MapGroup(People.Recipients.RecipientEndpoints.Path + "/import").WithTags("Recipients: CSV import").RequireScopes();
        group.MapPost("/", async Task<Accepted<BulkAccepted>> (HttpContext http, BulkUpload upload, CancellationToken ct) =>
        {
            var jobId = await upload.AcceptAsync(http.User.TenantId(), http.Request, ct, profiles: true);
            var url = ImportUrl(jobId);
            return TypedResults.Accepted(url, new BulkAccepted(jobId, "validating", url));
        }).WithSummary("Import recipient profiles from a CSV (user_id, email, phone, name, locale, timezone, avatar_url; "
            + "other columns into data)")
            .AddOpenApiOperationTransformer(ProfileImportForm.DescribeAsync).DisableAntiforgery();
        group.MapGet("/{jobId:guid}", async Task<Results<Ok<BulkJobStatus>, NotFound>> (Guid jobId, HttpContext http, BulkQueries q,
                CancellationToken ct) =>
            await q.GetAsync(http.User.TenantId(), jobId, ct) is { Kind: BulkOptions.ProfilesKind } s
                ? TypedResults.Ok(s) : TypedResults.NotFound())
            .WithSummary("Get a profile import's progress and counts");
        group.MapGet("/{jobId:guid}/errors", async (Guid jobId, HttpContext http, BulkQueries q, CancellationToken ct) =>
        {
            if (await q.GetAsync(http.User.TenantId(), jobId, ct) is not { Kind: BulkOptions.ProfilesKind })
            { http.Response.StatusCode = 404; return; }
            await ErrorsAsync(jobId, http, q, ct);
        }).WithSummary("Download the rows a profile import rejected");
    }

    public static string ImportUrl(Guid jobId) => $"{People.Recipients.RecipientEndpoints.Path}/import/{jobId}";

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
