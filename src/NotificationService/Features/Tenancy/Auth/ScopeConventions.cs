using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Tenancy.Auth;

/// <summary>How endpoints and handlers apply <see cref="ScopeTable"/>: no scope is named where an endpoint is mapped.</summary>
public static class ScopeConventions
{
    /// <summary>
    /// Every endpoint under this builder requires what its row of <see cref="ScopeTable.Operations"/> says. An endpoint
    /// with no row, or one that declares its own authorization beside the table, fails as soon as the endpoints are built
    /// (the first request, the OpenAPI document, any spec): a new route cannot be mapped without deciding who may call it.
    /// </summary>
    public static TBuilder RequireScopes<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Finally(endpoint =>
        {
            if (endpoint is not RouteEndpointBuilder route) return;
            foreach (var method in endpoint.Metadata.OfType<HttpMethodMetadata>().LastOrDefault()?.HttpMethods ?? [])
            {
                var key = ScopeTable.KeyOf(method, route.RoutePattern.RawText ?? "");
                if (!ScopeTable.Operations.TryGetValue(key, out var access))
                    throw new InvalidOperationException($"{key} has no row in ScopeTable.Operations: add one naming who may call it.");
                if (endpoint.Metadata.Any(m => m is IAuthorizeData or IAllowAnonymous))
                    throw new InvalidOperationException($"{key} declares its own authorization: ScopeTable.Operations decides it.");
                endpoint.Metadata.Add(access.Credential == Credential.None
                    ? new AllowAnonymousAttribute() : new AuthorizeAttribute(access.Policy));
            }
        });
        return builder;
    }

    /// <summary>One policy per distinct row of the table, each on the API-key scheme only: an end-user token never passes one.
    /// A member's token rides the same scheme; <see cref="OperationAuthorization"/> sends it to the role table instead of the
    /// scopes.</summary>
    public static void AddScopePolicies(this AuthorizationBuilder authorization)
    {
        var rows = ScopeTable.Operations.Values.Where(a => a.Credential == Credential.ApiKey).Concat(Scopes.All.Select(Access.Scope));
        foreach (var access in rows.DistinctBy(a => a.Policy))
            authorization.AddPolicy(access.Policy, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser().AddRequirements(new OperationRequirement(access)));
    }

    /// <summary>
    /// A request that sets a <see cref="ScopeTable.Fields"/> field needs that field's scope too: a 403 naming the field (as
    /// <paramref name="path"/>, e.g. `recipients[3].profile`) and the scope, before anything is written.
    /// </summary>
    public static void RequireFieldScope(this ClaimsPrincipal caller, string field, string? path = null)
    {
        var scope = ScopeTable.Fields.Single(f => f.Field == field).Scope;
        if (!caller.HasScope(scope))
            throw RequestValidationException.For(path ?? field, $"Setting {field} needs the '{scope}' scope (admin has it).", 403);
    }
}
