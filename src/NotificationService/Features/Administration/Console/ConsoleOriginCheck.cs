namespace NotificationService.Features.Administration.Console;

/// <summary>
/// Defence in depth beside the antiforgery token and the SameSite=Strict cookie: a console request that changes
/// something (any method but GET, HEAD, OPTIONS) must come from the console's own origin. `Sec-Fetch-Site` is the
/// browser's own verdict and is read first (only `same-origin` passes); without it, `Origin` must be this service's
/// origin, as the request reached it (scheme and host, right behind a proxy once ForwardedHeaders:* names it) or as
/// `PublicBaseUrl` says. A request with neither header is let through: every current browser sends at least one of
/// them on a POST, so it comes from a non-browser client, which CSRF is not about, and the antiforgery token still
/// applies. Refused: 403, before the page or its handler runs.
/// </summary>
public static class ConsoleOriginCheck
{
    public static bool IsCrossOrigin(HttpRequest request, string? publicBaseUrl)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)) return false;
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0) return !site.Equals("same-origin", StringComparison.OrdinalIgnoreCase);
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return false;
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var from)) return true;   // includes the opaque origin "null"
        return !SameOrigin(from, $"{request.Scheme}://{request.Host}") && !SameOrigin(from, publicBaseUrl);
    }

    private static bool SameOrigin(Uri from, string? ours) =>
        ours is not null && Uri.TryCreate(ours, UriKind.Absolute, out var own)
        && from.Scheme.Equals(own.Scheme, StringComparison.OrdinalIgnoreCase)
        && from.IdnHost.Equals(own.IdnHost, StringComparison.OrdinalIgnoreCase)
        && from.Port == own.Port;

    /// <summary>The check as middleware on /admin: 403 with a one-line plain-text reason (the console is HTML, not the API).</summary>
    public static async Task RefuseCrossOriginAsync(HttpContext context, Func<Task> next)
    {
        if (!IsCrossOrigin(context.Request, context.RequestServices.GetRequiredService<IConfiguration>()["PublicBaseUrl"]))
        {
            await next();
            return;
        }
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync("Refused: a console form or action must be sent from the console's own pages " +
            "(cross-origin request).");
    }
}
