using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Features.Administration.Members;

namespace NotificationService.Features.Administration.JobsDashboard;

/// <summary>
/// Hangfire's dashboard at `/admin/jobs`, for the team that runs the service: the owners, admins and operators of
/// `Admin:OperatorTenant`, signed in to the console. Operators look (read-only); owners and admins may also retry, trigger
/// and delete. Anyone else, signed in or not, gets what a missing page gets (404). It sits under the console's security
/// headers (its CSP, no framing) and its antiforgery: a POST without the console's token is refused. Job arguments carry
/// ids only, so nothing it shows is a person's data.
/// </summary>
public static class JobsDashboardEndpoints
{
    public const string Path = "/admin/jobs";

    /// <summary>After MapConsole, so the console's headers and origin check apply to the dashboard too.</summary>
    public static void MapJobsDashboard(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments(Path), dashboard => dashboard.Use(async (context, next) =>
        {
            // Hangfire answers a refused filter with 401 or 403; the console's rule for pages a member may not see is 404.
            if (!await OperatorDashboardAuthorization.AllowsAsync(context))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next();
        }));
        app.UseHangfireDashboard(Path, new DashboardOptions
        {
            Authorization = [],   // not Hangfire's default (local requests only): the filter below decides
            AsyncAuthorization = [new OperatorDashboardAuthorization()],
            IsReadOnlyFunc = context => OperatorDashboardAuthorization.ReadOnly(context.GetHttpContext()),
            AppPath = "/admin/queues",
            DashboardTitle = "Background jobs",
            DisplayStorageConnectionString = false,
            IgnoreAntiforgeryToken = false,
        }, app.Services.GetRequiredService<JobStorage>());
    }
}

/// <summary>The dashboard's door: a console session of an operator (the console's own claim decides who is one).</summary>
public sealed class OperatorDashboardAuthorization : IDashboardAsyncAuthorizationFilter
{
    public Task<bool> AuthorizeAsync(DashboardContext context) => AllowsAsync(context.GetHttpContext());

    public static async Task<bool> AllowsAsync(HttpContext http)
    {
        var session = await http.AuthenticateAsync(ConsoleSessionAuthenticationHandler.SchemeName);
        if (!session.Succeeded) return false;
        http.User = session.Principal;
        return session.Principal.HasClaim(ConsoleSessionAuthenticationHandler.OperatorClaim, "true");
    }

    /// <summary>The operator role looks; owners and admins of the operator tenant may also act.</summary>
    public static bool ReadOnly(HttpContext http) =>
        !http.User.HasClaim(MemberClaims.Role, MemberRoles.Owner) && !http.User.HasClaim(MemberClaims.Role, MemberRoles.Admin);
}
