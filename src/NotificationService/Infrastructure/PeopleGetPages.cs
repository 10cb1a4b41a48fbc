namespace NotificationService.Infrastructure;

/// <summary>
/// People get pages, programs get problems: the one rule that decides whether a refusal (signed out, not found,
/// refused, suspended, rate-limited) is answered as an HTML page or as RFC 9457 problem details. A page goes to a
/// browser navigating a console page (`/admin`, but not the console's JSON under `/admin/api`) or a hosted page people
/// reach from an email (`/u/{token}`): its navigation asks for text/html, a script's fetch or an API client does not.
/// The API (`/api/…`) is for programs whatever they ask for. The console renders the pages (its error view, through an
/// <see cref="IProblemDetailsWriter"/> asked before the JSON one), so every refusal that writes a problem gets one.
/// </summary>
public static class PeopleGetPages
{
    /// <summary>A path people open in a browser: a console page or a hosted page.</summary>
    public static bool IsPagePath(PathString path) => IsConsolePage(path) || IsHostedPage(path);

    public static bool IsConsolePage(PathString path) => path.StartsWithSegments("/admin") && !path.StartsWithSegments("/admin/api");

    /// <summary>The pages a signed link in an email opens (unsubscribe, preferences): no console, no session.</summary>
    public static bool IsHostedPage(PathString path) => path.StartsWithSegments("/u");

    /// <summary>A person's browser on one of those pages: the answer is a page, with the status a program would get.</summary>
    public static bool WantsPage(HttpRequest request) =>
        IsPagePath(request.Path) && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
}
