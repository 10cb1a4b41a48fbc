using Microsoft.AspNetCore.Authentication;
using NotificationService.Features.Tenancy.Tenants;

namespace NotificationService.Features.Tenancy.Auth;

public static class AuthServiceExtensions
{
    public static IServiceCollection AddApiKeyAuth(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ApiKeyCache>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        // Each policy names its scheme: an end-user token must never satisfy a service-key policy. The table decides them all.
        services.AddAuthorizationBuilder().AddScopePolicies();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler,
            OperationAuthorization>();   // keys by scope, members by role
        return services;
    }
}
