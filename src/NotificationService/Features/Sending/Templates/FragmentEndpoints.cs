using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Templates;

/// <summary>
/// `/api/v1/admin/templates/partials/{name}` and `/layouts/{name}`: list, get, PUT (create or replace,
/// validated first), DELETE. Templates copy the partials and layout they use into each saved version, so a
/// change here reaches a template when it is next saved, and never changes an accepted notification.
/// </summary>
public static class FragmentEndpoints
{
    public static void MapFragments(this RouteGroupBuilder templates)
    {
        foreach (var (path, kind) in new[] { ("partials", FragmentStore.Partial), ("layouts", FragmentStore.Layout) })
        {
            var group = templates.MapGroup("/" + path);
            group.MapGet("/", async Task<Ok<IReadOnlyList<FragmentView>>> (HttpContext http, FragmentStore store, CancellationToken ct) =>
                TypedResults.Ok(await store.ListAsync(http.User.TenantId(), kind, ct))).WithSummary("List partials or layouts");
            group.MapGet("/{name}", async Task<Results<Ok<FragmentView>, NotFound>> (string name, HttpContext http, FragmentStore store,
                    CancellationToken ct) =>
                await store.GetAsync(http.User.TenantId(), kind, name, ct) is { } f ? TypedResults.Ok(f) : TypedResults.NotFound())
                .WithSummary("Get one partial or layout");
            group.MapPut("/{name}", async Task<Results<Created<FragmentView>, Ok<FragmentView>>> (
                string name, HttpContext http, FragmentStore store, TemplateValidator validator, CancellationToken ct) =>
            {
                var (req, _) = await JsonBody.ReadAsync<FragmentRequest>(http.Request, ct: ct);
                var tenantId = http.User.TenantId();
                await validator.CheckFragmentAsync(tenantId, kind, name, req, ct);
                var (view, created) = await store.UpsertAsync(tenantId, kind, name, req.Source!, req.Description, ct);
                return created ? TypedResults.Created($"/api/v1/admin/templates/{path}/{name}", view) : TypedResults.Ok(view);
            }).WithSummary("Create or replace a partial or layout")
                .Audited(kind + ".save", kind, (http, name) => FragmentBefore(http, kind, name))
                .Accepts<FragmentRequest>("application/json").ProducesValidationProblem().ProducesValidationProblem(422);
            group.MapDelete("/{name}", async Task<Results<NoContent, NotFound>> (string name, HttpContext http, FragmentStore store,
                    CancellationToken ct) =>
                await store.DeleteAsync(http.User.TenantId(), kind, name, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
                .WithSummary("Delete a partial or layout")
                .Audited(kind + ".delete", kind, (http, name) => FragmentBefore(http, kind, name));
        }
    }

    private static async Task<object?> FragmentBefore(HttpContext http, string kind, string name) =>
        await http.RequestServices.GetRequiredService<FragmentStore>().GetAsync(http.User.TenantId(), kind, name, http.RequestAborted);
}
