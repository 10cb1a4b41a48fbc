namespace NotificationService.Features.Tenancy.Suspension;

/// <summary>
/// What a refused request of a suspended or deleted tenant is answered: a person in the console (a browser asking for
/// HTML on a console path) gets a page that says what happened and what to do; a program gets the problem document.
/// </summary>
public static class SuspensionAnswer
{
    public const string SuspendedType = "https://notification-service.dev/problems/tenant-suspended";
    public const string DeletedType = "https://notification-service.dev/problems/tenant-deleted";

    public static Task WriteAsync(HttpContext http, TenantState state)
    {
        var gone = state == TenantState.Gone;
        // A deleted tenant's credential may still be in a cache for a moment: it is unknown now (401), as a revoked key is.
        http.Response.StatusCode = gone ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
        if (IsPersonInConsole(http.Request)) return WritePageAsync(http, gone);
        object problem = gone
            ? new
            {
                type = DeletedType, title = "Tenant deleted", status = 401, detail = "This credential's tenant no longer exists.",
                tenantStatus = "deleted", traceId = http.TraceIdentifier,
            }
            : new
            {
                type = SuspendedType, title = "Tenant suspended", status = 403,
                detail = "This tenant is suspended by the service's operator: its keys, end-user tokens and console sessions are refused "
                    + "until it is resumed.",
                tenantStatus = "suspended", traceId = http.TraceIdentifier,
            };
        return http.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json",
            http.RequestAborted);
    }

    /// <summary>A console path asked for by a browser: its navigation asks for text/html; a script's fetch does not.</summary>
    public static bool IsPersonInConsole(HttpRequest request) =>
        request.Path.StartsWithSegments("/admin") && !request.Path.StartsWithSegments("/admin/api")
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private static Task WritePageAsync(HttpContext http, bool gone)
    {
        var (title, text) = gone
            ? ("This team no longer exists",
               "Its account was deleted by the service's operator, with everything it held. There is nothing left to sign in to.")
            : ("Your team's account is suspended",
               "The service's operator has suspended it: nothing is sent and the console is closed until they resume it. "
               + "Ask your service's operator why, or wait for them to resume it; your data is kept.");
        // Constant text, no HTML in it: nothing to encode.
        http.Response.ContentType = "text/html; charset=utf-8";
        return http.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} · Notification console</title></head>
            <body><main id="tenant-{(gone ? "deleted" : "suspended")}">
            <h1>{title}</h1>
            <p>{text}</p>
            <p><a href="/admin/sign-in">Sign in with another team</a></p>
            </main></body></html>
            """, http.RequestAborted);
    }
}
