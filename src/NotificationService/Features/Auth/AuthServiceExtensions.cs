using Microsoft.AspNetCore.Authentication;
using NotificationService.Features.Tenants;

namespace NotificationService.Features.Auth;

public static class AuthServiceExtensions
{
    public static IServiceCollection AddApiKeyAuth(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ApiKeyCache>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            // Each policy names its scheme: an end-user token must never satisfy a service-key policy.
            .AddPolicy(Scopes.Send, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireClaim(AuthClaims.Scope, Scopes.Send, Scopes.Admin))
            .AddPolicy(Scopes.Read, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireClaim(AuthClaims.Scope, Scopes.Read, Scopes.Admin))
            .AddPolicy(Scopes.Admin, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireClaim(AuthClaims.Scope, Scopes.Admin))
            .AddPolicy(Scopes.Preferences, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireClaim(AuthClaims.Scope, Scopes.Preferences, Scopes.Admin));
        return services;
    }
}
