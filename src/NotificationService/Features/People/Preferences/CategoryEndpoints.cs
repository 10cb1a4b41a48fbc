using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.Preferences;

/// <summary>`/api/v1/admin/categories`: the tenant's notification categories (admin scope). Another tenant's is a 404.</summary>
public static class CategoryEndpoints
{
    private const int BodyLimit = 64 * 1024;

    public static void MapCategories(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/admin/categories").WithTags("Admin: categories").RequireScopes();

        group.MapGet("/", async Task<Ok<IReadOnlyList<Category>>> (HttpContext http, CategoryStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.ListAsync(http.User.TenantId(), ct))).WithSummary("List the tenant's notification categories");

        group.MapPost("/", async Task<Created<Category>> (HttpContext http, CategoryStore store, CancellationToken ct) =>
        {
            var (body, _) = await JsonBody.ReadAsync<CategoryRequest>(http.Request, BodyLimit, ct);
            var created = await store.CreateAsync(http.User.TenantId(), body, ct);
            return TypedResults.Created($"/api/v1/admin/categories/{created.Key}", created);
        }).WithSummary("Create a notification category").Audited("category.create", "category")
            .Accepts<CategoryRequest>("application/json").ProducesProblem(409);

        group.MapGet("/{key}", async Task<Ok<Category>> (string key, HttpContext http, CategoryStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.GetAsync(http.User.TenantId(), key, ct))).WithSummary("Get a notification category");

        group.MapPut("/{key}", async Task<Ok<Category>> (string key, HttpContext http, CategoryStore store, CancellationToken ct) =>
        {
            var (body, _) = await JsonBody.ReadAsync<CategoryRequest>(http.Request, BodyLimit, ct);
            return TypedResults.Ok(await store.ReplaceAsync(http.User.TenantId(), key, body, ct));
        }).WithSummary("Replace a notification category's settings (its key stays)")
            .Audited("category.update", "category", Before, KeyOf).Accepts<CategoryRequest>("application/json");

        group.MapDelete("/{key}", async Task<NoContent> (string key, HttpContext http, CategoryStore store, CancellationToken ct) =>
        {
            await store.DeleteAsync(http.User.TenantId(), key, ct);
            return TypedResults.NoContent();
        }).WithSummary("Delete a notification category (users' settings for it stay, unused)")
            .Audited("category.delete", "category", Before, KeyOf);
    }

    /// <summary>Categories are named by their key in the route, which the audit filter does not look for by itself.</summary>
    private static string? KeyOf(HttpContext http) => http.GetRouteValue("key")?.ToString();

    private static async Task<object?> Before(HttpContext http, string key) =>
        await http.RequestServices.GetRequiredService<CategoryStore>().GetAsync(http.User.TenantId(), key, http.RequestAborted);
}
