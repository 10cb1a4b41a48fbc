using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Tenancy.ApiKeyAdmin;

/// <summary>
/// `/api/v1/admin/api-keys`: list, create (the key is in the 201 answer and nowhere else, ever), revoke. A key never
/// mints scopes it lacks; `admin` covers every scope (<see cref="ScopeTable.Covers"/>), so an admin mints narrower keys.
/// Revocation is immediate on this replica and within <see cref="ApiKeyCache.Ttl"/> on others.
/// </summary>
public static class ApiKeyAdminEndpoints
{
    public sealed record ApiKeyView(Guid Id, string Name, string Prefix, string[] Scopes, DateTimeOffset CreatedAt,
        DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);
    public sealed record CreateApiKeyRequest(string? Name, string[]? Scopes);
    public sealed record CreatedApiKey(ApiKeyView ApiKey, string Key);

    public static IServiceCollection AddApiKeyAdmin(this IServiceCollection services) => services.AddSingleton<ApiKeyMinting>();

    public static void MapApiKeyAdmin(this WebApplication app)
    {
        var group = app.MapGroup("/api/v1/admin/api-keys").WithTags("Admin: API keys").RequireScopes();

        group.MapGet("/", async Task<Ok<List<ApiKeyView>>> (HttpContext http, TenantStore tenants, CancellationToken ct) =>
            TypedResults.Ok((await tenants.ListServiceAccountsAsync(http.User.TenantId(), ct)).Select(View).ToList()))
            .WithSummary("List API keys (prefix, scopes, created, last used; never the key)");

        group.MapPost("/", async Task<Created<CreatedApiKey>> (HttpContext http, ApiKeyMinting minting, CancellationToken ct) =>
        {
            var (request, _) = await JsonBody.ReadAsync<CreateApiKeyRequest>(http.Request, 16 * 1024, ct);
            var created = await minting.CreateAsync(http.User, request.Name, request.Scopes, ct);
            return TypedResults.Created($"/api/v1/admin/api-keys/{created.ApiKey.Id}", created);
        }).Accepts<CreateApiKeyRequest>("application/json").WithSummary("Create an API key (shown once in this answer)");

        group.MapDelete("/{id:guid}", async Task<Results<NoContent, NotFound>> (Guid id, HttpContext http, ApiKeyMinting minting,
                CancellationToken ct) =>
            await minting.RevokeAsync(http.User, id, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Revoke an API key (effective within the API key cache time on every replica)");
    }

    public static ApiKeyView View(ServiceAccount a) => new(a.Id, a.Name, a.KeyPrefix, a.Scopes, a.CreatedAt, a.LastUsedAt, a.RevokedAt);
}

/// <summary>Create and revoke, shared by the API and the console: the scope rule and the audit record live here once.</summary>
public sealed class ApiKeyMinting(TenantStore tenants, ApiKeyCache cache, AuditLog audit)
{
    public async Task<ApiKeyAdminEndpoints.CreatedApiKey> CreateAsync(ClaimsPrincipal caller, string? name, string[]? scopes,
        CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100)
            throw RequestValidationException.For("name", "A name of 1 to 100 characters is required.");
        if (scopes is null || scopes.Length == 0)
            throw RequestValidationException.For("scopes", $"Name at least one scope: {string.Join(", ", Scopes.All)}.");
        var unknown = scopes.Except(Scopes.All).ToArray();
        if (unknown.Length > 0) throw RequestValidationException.For("scopes", $"Unknown scopes: {string.Join(", ", unknown)}.");
        var held = caller.FindAll(AuthClaims.Scope).Select(c => c.Value).ToArray();
        var lacking = scopes.Where(s => !ScopeTable.Covers(held, s)).Distinct().ToArray();
        if (lacking.Length > 0)
            throw RequestValidationException.For("scopes", $"A key cannot grant scopes it lacks: {string.Join(", ", lacking)}.", 403);

        var (account, key) = await tenants.CreateServiceAccountAsync(caller.TenantId(), name.Trim(), scopes.Distinct().ToArray(), ct);
        var view = ApiKeyAdminEndpoints.View(account);
        await audit.RecordAsync(caller, "api_key.create", "api_key", account.Id.ToString(), null, view, ct);
        return new(view, key);
    }

    public async Task<bool> RevokeAsync(ClaimsPrincipal caller, Guid id, CancellationToken ct)
    {
        var tenantId = caller.TenantId();
        if (await tenants.FindServiceAccountAsync(tenantId, id, ct) is not { RevokedAt: null } account) return false;
        if (!await tenants.RevokeAsync(tenantId, id, ct)) return false;
        cache.Forget(account.KeyPrefix);   // this replica at once; the others when their cached entry expires
        await audit.RecordAsync(caller, "api_key.revoke", "api_key", id.ToString(), ApiKeyAdminEndpoints.View(account), null, ct);
        return true;
    }
}
