using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;
using NotificationService.Queue;

namespace NotificationService.Features.Administration.Platform;

/// <summary>
/// `/api/v1/platform/tenants`: the operator's API (a platform key, <see cref="PlatformKeyAuthenticationHandler"/>; for
/// anyone else every route is a 404). Create (the first owner's access in the answer, once), list, get, change limits,
/// suspend and resume. Suspend and resume are idempotent by nature: the same call twice leaves the same state. Every
/// change, export and import is recorded in the tenant's audit log with the operator key's name as the actor.
/// </summary>
public static class PlatformEndpoints
{
    private const string Base = "/api/v1/platform/tenants";

    public static IServiceCollection AddPlatform(this IServiceCollection services)
    {
        PlatformKeyAuthenticationHandler.Register(services);
        services.TryAddSingleton<ITenantOwnerOnboarding, FirstAdminKeyOnboarding>();   // member sign-in registers its own first
        services.AddScoped<TenantExport>().AddScoped<TenantImport>().AddScoped<ImportPreflight>();
        return services.AddSingleton<PlatformTenants>().AddSingleton<PlatformQuotas>().AddSingleton<TenantDeletionStore>()
            .AddSingleton<TenantDeleter>()
            .AddSingleton<TenantDeletionJobs>().AddSingleton<IRecurringJobs, TenantDeletionRecurringJobs>()
            .AddSingleton<IJobHandler, TenantDeletionHandler>().AddSingleton(new WorkQueue(TenantDeletionHandler.QueueName));
    }

    public static void MapPlatform(this WebApplication app)
    {
        var g = app.MapGroup(Base).WithTags("Platform: tenants").RequireScopes();
        g.MapPost("/", CreateAsync).Accepts<CreateTenantRequest>("application/json")
            .WithSummary("Create a tenant: the answer carries its id and its first owner's access (an admin API key), shown once; "
                + "Idempotency-Key replays it without the key")
            .Produces<CreatedPlatformTenant>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        g.MapGet("/", async Task<Ok<PlatformTenantPage>> (string? cursor, string? status, int? limit, PlatformTenants platform,
                CancellationToken ct) =>
            TypedResults.Ok(await platform.ListAsync(cursor, status, limit, ct)))
            .WithSummary("List tenants, oldest first, with status, last activity, the month's usage and limits "
                + "(keyset pages: nextCursor)");
        g.MapGet("/{id:guid}", async Task<Results<Ok<PlatformTenantView>, NotFound>> (Guid id, PlatformTenants platform,
                CancellationToken ct) =>
            await platform.ViewAsync(id, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .WithSummary("Get a tenant");
        g.MapPatch("/{id:guid}", UpdateAsync).Accepts<UpdateTenantRequest>("application/json")
            .WithSummary("Change a tenant's API rate limits per endpoint class (null: back to the default) and monthly quotas "
                + "per channel (null: none)")
            .ProducesValidationProblem();
        g.MapPost("/{id:guid}/suspend", async Task<Results<Ok<PlatformTenantView>, NotFound>> (Guid id, HttpContext http,
                PlatformTenants platform, CancellationToken ct) =>
            await platform.SetStatusAsync(id, TenantStatuses.Suspended, ActorOf(http), ct) is { } view
                ? TypedResults.Ok(view) : TypedResults.NotFound())
            .WithSummary("Suspend a tenant: its keys, end-user tokens and console sessions are refused (403) on every replica "
                + "until it is resumed");
        g.MapPost("/{id:guid}/resume", async Task<Results<Ok<PlatformTenantView>, NotFound>> (Guid id, HttpContext http,
                PlatformTenants platform, CancellationToken ct) =>
            await platform.SetStatusAsync(id, TenantStatuses.Active, ActorOf(http), ct) is { } view
                ? TypedResults.Ok(view) : TypedResults.NotFound())
            .WithSummary("Resume a suspended tenant");
        g.MapGet("/{id:guid}/export", ExportAsync)
            .WithSummary("Export a tenant's configuration as one JSON document: templates with versions, layouts, partials, "
                + "workflows, categories, topics, providers and webhooks, without secrets or members");
        g.MapPost("/{id:guid}/import", ImportAsync).Accepts<TenantExportDocument>("application/json")
            .WithSummary("Import an export's configuration into a tenant that has none of it (a fresh one): providers and webhook "
                + "endpoints arrive without secrets, disabled until an admin sets them (listed in awaitingSecrets); a body above "
                + "1 MiB, or Prefer: respond-async, runs as a job (202 with its statusUrl)")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        g.MapDelete("/{id:guid}", DeleteAsync)
            .WithSummary("Delete a tenant and every row it has in every table: suspended at once, then deleted by a job "
                + "(202 with its statusUrl)");

        app.MapGroup("/api/v1/platform/deletions").WithTags("Platform: tenants").RequireScopes()
            .MapGet("/{id:guid}", async Task<Results<Ok<TenantDeletionView>, NotFound>> (Guid id, TenantDeletionStore store,
                    CancellationToken ct) =>
                await store.FindAsync(id, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .WithSummary("A tenant deletion's progress: tables done of the total, the table it is in, rows deleted");
    }

    public sealed record DeletionAccepted(Guid Id, string StatusUrl);

    /// <summary>Who acted, as the audit log and a deletion's record name them: `platform ` and the operator key's name.</summary>
    public static string ActorOf(HttpContext http)
        => "platform " + http.User.FindFirst(PlatformKeyAuthenticationHandler.KeyNameClaim)?.Value;

    private static async Task<Results<Ok<TenantExportDocument>, NotFound>> ExportAsync(Guid id, HttpContext http, TenantStore tenants,
        TenantExport export, AuditLog audit, CancellationToken ct)
    {
        if (await tenants.FindRecordAsync(id, ct) is not { } t) return TypedResults.NotFound();
        var document = await export.ExportAsync(new ExportedTenant(t.Id, t.Name, t.Slug), ct);
        await audit.RecordAsync(ActorOf(http), id, "tenant.export", PlatformTenants.AuditTarget, id.ToString(), null, new
        {
            templates = document.Templates.Count, workflows = document.Workflows.Count, providers = document.Providers.Count,
            webhooks = document.Webhooks.Count,
        }, ct);
        return TypedResults.Ok(document);
    }

    private static async Task<Results<Ok<ImportResult>, Accepted<TenantConfigJobView>, NotFound>> ImportAsync(Guid id, HttpContext http,
        TenantStore tenants, TenantImport import, AuditLog audit, TenantConfigJobStarter jobs, CancellationToken ct)
    {
        var (document, raw) = await JsonBody.ReadAsync<TenantExportDocument>(http.Request, TenantImport.MaxBytes, ct);
        if (TenantConfigJobEndpoints.ImportRunsAsJob(http, raw.Length))
        {
            TenantImport.CheckDocument(document);   // a document no job could import is refused now, naming its fields
            return await jobs.StartAsync(http, id, TenantConfigJobStore.Import, raw, ct) switch
            {
                { Result: Accepted<TenantConfigJobView> accepted } => accepted,
                _ => TypedResults.NotFound(),
            };
        }
        if (await tenants.FindRecordAsync(id, ct) is null) return TypedResults.NotFound();
        var result = await import.ImportAsync(id, document, ct);
        await audit.RecordAsync(ActorOf(http), id, "tenant.import", PlatformTenants.AuditTarget, id.ToString(), null, result, ct);
        return TypedResults.Ok(result);
    }

    private static async Task<Results<Accepted<DeletionAccepted>, NotFound>> DeleteAsync(Guid id, HttpContext http,
        PlatformTenants platform, CancellationToken ct)
    {
        if (await platform.DeleteAsync(id, ActorOf(http), ct) is not { } deletionId) return TypedResults.NotFound();
        var statusUrl = $"{http.Request.PathBase}/api/v1/platform/deletions/{deletionId}";
        return TypedResults.Accepted(statusUrl, new DeletionAccepted(deletionId, statusUrl));
    }

    private static async Task<Results<Created<CreatedPlatformTenant>, Ok<CreatedPlatformTenant>>> CreateAsync(HttpContext http,
        PlatformTenants platform, CancellationToken ct)
    {
        var (request, raw) = await JsonBody.ReadAsync<CreateTenantRequest>(http.Request, 64 * 1024, ct);
        var key = http.Request.Headers[IdempotencyStore.Header].FirstOrDefault();
        var (answer, created) = await platform.CreateAsync(request, raw, key, ActorOf(http), ct);
        if (created) return TypedResults.Created($"{Base}/{answer.Id}", answer);
        http.Response.Headers[IdempotencyStore.ReplayedHeader] = "true";
        return TypedResults.Ok(answer);
    }

    private static async Task<Results<Ok<PlatformTenantView>, NotFound>> UpdateAsync(Guid id, HttpContext http,
        PlatformTenants platform, CancellationToken ct)
    {
        var (request, _) = await JsonBody.ReadAsync<UpdateTenantRequest>(http.Request, 64 * 1024, ct);
        return await platform.UpdateAsync(id, request, ActorOf(http), ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();
    }
}
