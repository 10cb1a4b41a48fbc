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
        // Each policy names its scheme: an end-user token must never satisfy a service-key policy. The table decides them all.
        services.AddAuthorizationBuilder().AddScopePolicies();
        return services;
    }
}
