using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Features.Administration.Platform;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.ConfigAsCode;

/// <summary>
/// `/api/v1/admin/config`: the tenant's configuration for the `notifications` tool, with a tenant's admin key or a member's
/// token (the operator's export and import stay on the platform API). `GET` is the export document and its revision;
/// `POST push` applies a tree all or nothing (<see cref="ConfigPush"/>), audited once as `config.push` with its changes.
/// </summary>
public static class ConfigAsCodeEndpoints
{
    public static IServiceCollection AddConfigAsCode(this IServiceCollection services) =>
        services.AddScoped<ConfigRevision>().AddScoped<ConfigPush>();

    public static void MapConfigAsCode(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/admin/config").WithTags("Admin: configuration as code").RequireScopes();
        group.MapGet("/", GetAsync).WithSummary("The tenant's configuration as an export document, with the revision a push names");
        group.MapPost("/push", PushAsync).Accepts<ConfigPushRequest>("application/json").ProducesValidationProblem()
            .WithSummary("Apply a configuration tree all or nothing: creates and changes (never deletes) layouts, partials, categories, " +
                         "topics, templates and workflows; refused when the tenant changed since the revision named, unless forced");
    }

    private static async Task<Results<Ok<ConfigSnapshot>, NotFound>> GetAsync(HttpContext http, TenantStore tenants, TenantExport export,
        ConfigRevision revision, CancellationToken ct)
    {
        var id = http.User.TenantId();
        if (await tenants.FindRecordAsync(id, ct) is not { } t) return TypedResults.NotFound();
        // The revision first: a change landing between the two reads makes a later push refused, never silently undone.
        var state = await revision.ReadAsync(id, ct);
        return TypedResults.Ok(new ConfigSnapshot(state.Revision, await export.ExportAsync(new ExportedTenant(t.Id, t.Name, t.Slug), ct)));
    }

    private static async Task<Ok<ConfigPushResult>> PushAsync(HttpContext http, ConfigPush push, AuditLog audit, CancellationToken ct)
    {
        var (req, _) = await JsonBody.ReadAsync<ConfigPushRequest>(http.Request, TenantImport.MaxBytes, ct);
        var tenantId = http.User.TenantId();
        var result = await push.PushAsync(tenantId, req, changes => audit.RecordAsync(
            http.User, tenantId, "config.push", "configuration", null, null,
            new { changes = changes.Select(c => $"{c.Object}: {c.Action}").ToArray(), published = req.Publish, forced = req.Force },
            ct), ct);
        return TypedResults.Ok(result);
    }
}
