using System.Security.Claims;
using NotificationService.Contracts;
using NotificationService.Features.People.EndUserAuth;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.WebOrigins;

/// <summary>
/// CORS for `/api/v1/users/me/*` (the inbox, its stream and stream tickets, preferences, profile, devices), by the
/// tenant's listed web origins. The tenant is known only once the token is read, and a preflight carries no token, so:
/// a preflight is answered (204 with the CORS headers) for an origin that ANY tenant lists and refused (403, no CORS
/// headers) for one that none does; the actual request, authenticated, must come from an origin its own tenant lists,
/// else it is a 403 before anything runs, without CORS headers (the browser shows the page nothing). A request whose
/// token was refused (401) is answered with CORS headers for an origin some tenant lists, so the page can read the 401
/// and fetch a new token. Credentials are never allowed: tokens travel in the Authorization header, never in cookies.
/// Same-origin requests and requests without `Origin` (servers, curl) are not affected.
/// </summary>
public static class WebOriginCors
{
    public const int PreflightMaxAgeSeconds = 600;
    private const string Methods = "GET, POST, PUT, PATCH, DELETE";
    private const string Headers = "Authorization, Content-Type, Last-Event-ID";
    private const string Exposed = "WWW-Authenticate, Retry-After, RateLimit, RateLimit-Policy";

    /// <summary>After authentication (it reads the caller's tenant), before authorization and the endpoints.</summary>
    public static void UseWebOriginCors(this WebApplication app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments(EndUserAuthEndpoints.UsersMePath) && c.Request.Headers.Origin.Count > 0,
            branch => branch.Use(HandleAsync));

    private static async Task HandleAsync(HttpContext http, RequestDelegate next)
    {
        var origin = http.Request.Headers.Origin.ToString();
        if (origin == WebOriginRules.Own(http.Request)) { await next(http); return; }
        var store = http.RequestServices.GetRequiredService<WebOriginStore>();
        var ct = http.RequestAborted;
        http.Response.Headers.Vary = "Origin";

        if (HttpMethods.IsOptions(http.Request.Method) && http.Request.Headers.ContainsKey("Access-Control-Request-Method"))
        {
            if (!await store.IsListedByAnyTenantAsync(origin, ct))
                throw RequestValidationException.For("Origin",
                    $"No tenant lists the web origin '{Shown(origin)}' (/api/v1/admin/web-origins).", 403);
            var h = http.Response.Headers;
            h.AccessControlAllowOrigin = origin;
            h.AccessControlAllowMethods = Methods;
            h.AccessControlAllowHeaders = Headers;
            h.AccessControlMaxAge = PreflightMaxAgeSeconds.ToString();
            http.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        bool allowed;
        if (http.User.FindFirstValue(EndUser.TenantClaim) is { } tenant && Guid.TryParse(tenant, out var tenantId))
        {
            if (!await store.IsListedAsync(tenantId, origin, ct))
                throw RequestValidationException.For("Origin",
                    $"The tenant does not list the web origin '{Shown(origin)}' (/api/v1/admin/web-origins).", 403);
            allowed = true;
        }
        else allowed = await store.IsListedByAnyTenantAsync(origin, ct);   // no valid token: let the page read its 401
        if (allowed)
            http.Response.OnStarting(() =>
            {
                http.Response.Headers.AccessControlAllowOrigin = origin;
                http.Response.Headers.AccessControlExposeHeaders = Exposed;
                http.Response.Headers.Vary = "Origin";
                return Task.CompletedTask;
            });
        await next(http);
    }

    /// <summary>The Origin header as the caller sent it, bounded (it is the caller's text).</summary>
    private static string Shown(string origin) => origin.Length > 100 ? origin[..100] + "…" : origin;
}
