using Microsoft.AspNetCore.Authorization;
using NotificationService.Features.Tenancy.Auth;

namespace NotificationService.Features.Tenancy.Suspension;

/// <summary>
/// One check every request of a tenant passes: after authorization, whatever proved who the caller is (an API key, an
/// end user's token or stream ticket, a console session, a member's session), a principal that carries the tenant claim
/// of a suspended tenant is refused with a 403 problem naming the suspension (a person in the console, with a page). Keyed
/// on the claim, not on a scheme, so a credential added later is covered without touching this.
/// </summary>
public static class SuspensionCheck
{
    public const string ProblemType = SuspensionAnswer.SuspendedType;

    public static IServiceCollection AddTenantSuspension(this IServiceCollection services) => services
        .AddSingleton<TenantSuspension>()
        .AddSingleton<Hangfire.States.IElectStateFilter, SuspendedTenantJobFilter>()   // its Hangfire jobs wait too
        .AddHostedService<TenantStatusListener>();

    /// <summary>Goes right after UseAuthorization: authorization is where a policy's own scheme (the console's) signs the caller
    /// in.</summary>
    public static void UseTenantSuspension(this WebApplication app) => app.Use(async (http, next) =>
    {
        // Only what a credential opens: an endpoint that needs none (health, provider callbacks, unsubscribe pages) is not
        // the tenant's to be refused, and must not depend on the database for a status (liveness during an outage).
        if (http.GetEndpoint()?.Metadata is not { } metadata || metadata.GetMetadata<IAuthorizeData>() is null
            || metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            await next(http);
            return;
        }
        if (http.User.FindFirst(AuthClaims.TenantIdClaim)?.Value is { } claim && Guid.TryParse(claim, out var tenantId)
            && await http.RequestServices.GetRequiredService<TenantSuspension>().StateAsync(tenantId, http.RequestAborted)
                is not TenantState.Active and var state)
        {
            // Written here, not thrown: a suspended tenant's clients may keep calling, and each refusal should stay cheap.
            await SuspensionAnswer.WriteAsync(http, state);
            return;
        }
        await next(http);
    });
}
