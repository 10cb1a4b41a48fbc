using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.Platform;

/// <summary>
/// The operator's long exports and imports as job resources under `/api/v1/platform/tenants/{id}`: `POST …/exports`
/// starts an export (one at a time per tenant: asking again answers the one in progress), `GET …/exports/{jobId}` says
/// where it stands and, once succeeded, `…/document` is the export. `POST …/import` runs as a job when its body is larger
/// than `Platform:InlineImportMaxBytes` (1 MiB) or the request says `Prefer: respond-async`; `GET …/imports/{jobId}`
/// then says where it stands, with the errors that stopped it by field. Each answers 202 with the job and its status URL
/// in Location. Platform keys only, as the synchronous forms (the scope table); another tenant's job id is a 404.
/// </summary>
public static class TenantConfigJobEndpoints
{
    private const string Base = "/api/v1/platform/tenants";

    public static IServiceCollection AddTenantConfigJobs(this IServiceCollection services) => services
        .AddSingleton<TenantConfigJobStore>().AddSingleton<TenantConfigJobs>().AddSingleton<TenantConfigJobStarter>()
        .AddSingleton<IRecurringJobs, TenantConfigRecurringJobs>();

    public static void MapTenantConfigJobs(this WebApplication app)
    {
        var g = app.MapGroup(Base).WithTags("Platform: tenants").RequireScopes();
        g.MapPost("/{id:guid}/exports", (Guid id, HttpContext http, TenantConfigJobStarter starter, CancellationToken ct) =>
            starter.StartAsync(http, id, TenantConfigJobStore.Export, null, ct))
            .WithSummary("Export a tenant's configuration as a job (202 with its status URL), "
                + "for a client that cannot wait for GET …/export");
        g.MapGet("/{id:guid}/exports/{jobId:guid}", (Guid id, Guid jobId, HttpContext http, TenantConfigJobStore store,
                CancellationToken ct) =>
            ViewAsync(http, id, TenantConfigJobStore.Export, jobId, store, ct))
            .WithSummary("An export job: queued, running, succeeded (its document at documentUrl) or failed (detail says why)");
        g.MapGet("/{id:guid}/exports/{jobId:guid}/document", DocumentAsync)
            .WithSummary("A succeeded export job's document: the same JSON as GET …/export answers")
            .Produces<TenantExportDocument>().ProducesProblem(StatusCodes.Status409Conflict);
        g.MapGet("/{id:guid}/imports/{jobId:guid}", (Guid id, Guid jobId, HttpContext http, TenantConfigJobStore store,
                CancellationToken ct) =>
            ViewAsync(http, id, TenantConfigJobStore.Import, jobId, store, ct))
            .WithSummary("An import job: queued, running, succeeded (result: what was imported, awaitingSecrets) "
                + "or failed (errors, detail)");
    }

    /// <summary>Whether an import is a job: a body above the inline limit, or a client that asks
    /// (RFC 7240 `Prefer: respond-async`).</summary>
    public static bool ImportRunsAsJob(HttpContext http, int bodyBytes) =>
        bodyBytes > http.RequestServices.GetRequiredService<IConfiguration>().GetValue("Platform:InlineImportMaxBytes", 1024 * 1024)
        || http.Request.Headers["Prefer"].Any(p => p?.Contains("respond-async", StringComparison.OrdinalIgnoreCase) == true);

    public static string JobsUrl(HttpContext http, Guid tenantId, string kind) => $"{http.Request.PathBase}{Base}/{tenantId}/{kind}s";

    private static async Task<Results<Ok<TenantConfigJobView>, NotFound>> ViewAsync(HttpContext http, Guid tenantId, string kind,
        Guid jobId, TenantConfigJobStore store, CancellationToken ct)
        => await store.FindAsync(tenantId, kind, jobId, JobsUrl(http, tenantId, kind), ct) is { } view
        ? TypedResults.Ok(view) : TypedResults.NotFound();

    private static async Task<IResult> DocumentAsync(Guid id, Guid jobId, TenantConfigJobStore store, CancellationToken ct)
    {
        if (await store.DocumentAsync(id, jobId, ct) is not { } found) return TypedResults.NotFound();
        if (found.Document is null)
            throw new ConflictException($"The export is {found.Status}: its document is there once it has succeeded (GET its status URL).");
        return TypedResults.Bytes(found.Document, "application/json");
    }
}

/// <summary>
/// Starts an export or import job: its row committed in the request's own transaction (the outbox), then the job enqueued
/// and the start recorded in the tenant's audit log. A request that rolls back leaves no row, and so no job.
/// </summary>
public sealed class TenantConfigJobStarter(NpgsqlDataSource db, TenantStore tenants, TenantConfigJobStore store, TenantConfigJobs jobs,
    AuditLog audit)
{
    public async Task<Results<Accepted<TenantConfigJobView>, NotFound>> StartAsync(HttpContext http, Guid tenantId, string kind,
        byte[]? document, CancellationToken ct)
    {
        if (await tenants.FindRecordAsync(tenantId, ct) is null) return TypedResults.NotFound();
        Guid jobId;
        bool created;
        await using (var conn = await db.OpenConnectionAsync(ct))
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            (jobId, created) = await store.CreateAsync(conn, tx, tenantId, kind, document, PlatformEndpoints.ActorOf(http), ct);
            await tx.CommitAsync(ct);
        }
        if (created)
        {
            await jobs.EnqueueAsync(tenantId, jobId, ct);
            await audit.RecordAsync(PlatformEndpoints.ActorOf(http), tenantId, $"tenant.{kind}", PlatformTenants.AuditTarget,
                tenantId.ToString(), null, new { job = jobId }, ct);
        }
        var view = (await store.FindAsync(tenantId, kind, jobId, TenantConfigJobEndpoints.JobsUrl(http, tenantId, kind), ct))!;
        return TypedResults.Accepted(view.StatusUrl, view);
    }
}
