namespace NotificationService.Features.Administration.Console;

/// <summary>The headers of every console page, and of every page a person gets instead of a problem (Answers/).</summary>
public static class ConsoleHeaders
{
    public static void Write(HttpResponse response)
    {
        var headers = response.Headers;
        // No inline script anywhere; rendered email HTML lives only in <iframe sandbox srcdoc> (no scripts, opaque origin).
        // Inline styles are allowed because emails carry them and a srcdoc frame inherits this policy.
        headers.ContentSecurityPolicy =
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; "
            + "frame-src 'self' about:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";   // and a hosted page's token stays in its own URL
        // What antiforgery sets on every page with a form: set here first, it has nothing to override, so it does not log
        // its "Cache-Control and Pragma headers have been overridden" warning on every page view.
        headers.CacheControl = "no-cache, no-store";
        headers.Pragma = "no-cache";
    }
}
