using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;

namespace NotificationService.Features.Administration.Sso;

/// <summary>
/// A small page that moves the browser on by itself (meta refresh, and a link for anyone whose browser does not), in the
/// console's styles and without script. Used where a redirect would not do: after the provider (a SameSite=Strict cookie
/// set during another site's navigation is sent only on a navigation this site starts), and when the work-address form
/// starts a sign-in (the console's CSP `form-action 'self'` stops a form's redirect to another site; a page's own
/// navigation is no form submission).
/// </summary>
public static class SsoPages
{
    public static ContentHttpResult MovingOn(string target, string heading, string linkText)
    {
        var href = WebUtility.HtmlEncode(target);
        var title = WebUtility.HtmlEncode(heading);
        return TypedResults.Content($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={href}"><title>{title} · NotificationService admin</title>
            <link rel="icon" href="data:,"><link rel="stylesheet" href="/admin/console.css"></head>
            <body><main><h1>{title}</h1><p id="sso-continue"><a href="{href}">{WebUtility.HtmlEncode(linkText)}</a></p></main></body></html>
            """, "text/html; charset=utf-8");
    }
}
