using Microsoft.AspNetCore.Mvc;

namespace NotificationService.Features.Tenancy.Suspension;

/// <summary>
/// What a refused request of a suspended or deleted tenant is answered: a problem naming the suspension or the deletion.
/// Written through the problem-details service, so a person in the console gets a page that says what happened and what
/// to do (Infrastructure/PeopleGetPages decides; the console renders it) and a program gets the problem document.
/// </summary>
public static class SuspensionAnswer
{
    public const string SuspendedType = "https://notification-service.dev/problems/tenant-suspended";
    public const string DeletedType = "https://notification-service.dev/problems/tenant-deleted";

    public static async Task WriteAsync(HttpContext http, TenantState state)
    {
        var gone = state == TenantState.Gone;
        // A deleted tenant's credential may still be in a cache for a moment: it is unknown now (401), as a revoked key is.
        var problem = gone
            ? new ProblemDetails
            {
                Type = DeletedType, Title = "Tenant deleted", Status = 401, Detail = "This credential's tenant no longer exists."
            }
            : new ProblemDetails
            {
                Type = SuspendedType, Title = "Tenant suspended", Status = 403,
                Detail = "This tenant is suspended by the service's operator: its keys, end-user tokens and console sessions are refused "
                    + "until it is resumed.",
            };
        problem.Extensions["tenantStatus"] = gone ? "deleted" : "suspended";
        http.Response.StatusCode = problem.Status!.Value;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new() { HttpContext = http, ProblemDetails = problem });
    }
}
