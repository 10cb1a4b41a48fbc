using System.Text;
using System.Text.Encodings.Web;
using NotificationService.Channels;
using NotificationService.Features.Tenancy.RateLimits;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.Preferences;

/// <summary>
/// The pages a signed link opens, with no login. RFC 8058: `POST /u/{token}` with `List-Unsubscribe=One-Click` (form or
/// multipart) opts out at once, answering 200 (no redirect); `GET /u/{token}` changes nothing (a link prefetcher or a
/// scanner must not unsubscribe anyone) and shows a button that posts. `/u/{token}/preferences` is a plain HTML form of
/// categories × channels, with each category's digest cadence. A token that does not verify is a 404; a refusal is a page
/// for a browser and a problem for a program, as everywhere (Infrastructure/PeopleGetPages). No script at all; the CSP
/// says so, and the token in the URL is kept out of referrers and caches.
/// Not in the OpenAPI document: these are pages for people and mail clients.
/// </summary>
public static class UnsubscribePages
{
    private const string OneClickField = "List-Unsubscribe";
    private const string OneClickValue = "One-Click";

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/u/{token}").ExcludeFromDescription().AllowAnonymous().WithSecretInPath();
        group.MapGet("/", async (string token, PreferenceLinks links, CategoryStore categories, HttpContext http, CancellationToken ct) =>
        {
            var claims = await UnsubscribeAsync(links, token, http, ct);
            var name = (await categories.ForTenantAsync(claims.TenantId, ct)).Find(claims.Category)?.Name ?? claims.Category!;
            return Page(http, "Unsubscribe", $"""
                <p>Stop receiving <strong>{H(name)}</strong> by {H(claims.Channel!)}?</p>
                <form method="post"><input type="hidden" name="{OneClickField}" value="{OneClickValue}"><button type="submit">Unsubscribe</button></form>
                """);
        });

        group.MapPost("/", async (string token, PreferenceLinks links, PreferenceStore store, CategoryStore categories,
            HttpContext http, CancellationToken ct) =>
        {
            var claims = await UnsubscribeAsync(links, token, http, ct);
            var form = await ReadFormAsync(http);
            if (form[OneClickField].ToString() != OneClickValue)
                throw RequestValidationException.For(OneClickField, $"Post {OneClickField}={OneClickValue} (RFC 8058).");
            await store.OptOutAsync(claims.TenantId, claims.UserKey, claims.Category!, claims.Channel!, ct);
            var name = (await categories.ForTenantAsync(claims.TenantId, ct)).Find(claims.Category)?.Name ?? claims.Category!;
            return Page(http, "Unsubscribed", $"<p>You will no longer receive <strong>{H(name)}</strong> by {H(claims.Channel!)}.</p>");
        });

        group.MapGet("/preferences", async (string token, PreferenceLinks links, PreferenceStore store, CategoryStore categories,
            HttpContext http, CancellationToken ct) =>
        {
            var claims = await PreferencesPageAsync(links, token, http, ct);
            var tenantCategories = await categories.ForTenantAsync(claims.TenantId, ct);
            var own = await store.GetAsync(claims.TenantId, claims.UserKey, ct) ?? StoredPreferences.Empty;
            return Page(http, "Notification preferences", Grid(tenantCategories, own, saved: false));
        });

        group.MapPost("/preferences", async (string token, PreferenceLinks links, PreferenceStore store, CategoryStore categories,
            HttpContext http, CancellationToken ct) =>
        {
            var claims = await PreferencesPageAsync(links, token, http, ct);
            var form = await ReadFormAsync(http);
            var tenantCategories = await categories.ForTenantAsync(claims.TenantId, ct);
            var own = await store.GetAsync(claims.TenantId, claims.UserKey, ct) ?? StoredPreferences.Empty;
            // Every box on the page is an explicit choice: checked is on, unchecked is off. Required categories are not on it.
            var byCategory = own.Categories.ToDictionary(c => c.Key, c => new Dictionary<string, bool>(c.Value));
            foreach (var category in tenantCategories.All.Where(c => !c.Required))
                byCategory[category.Key] = ChannelNames.All.ToDictionary(ch => ch, ch => form.ContainsKey(Box(category.Key, ch)));
            var next = own with
            {
                Categories = byCategory,
                Digests = DigestCadenceForm.Read(form, [.. tenantCategories.All.Where(c => !c.Required)], own)
            };
            await store.SaveAsync(claims.TenantId, claims.UserKey, next, ct);
            return Page(http, "Notification preferences", Grid(tenantCategories, next, saved: true));
        });
    }

    private static Task<LinkClaims> UnsubscribeAsync(PreferenceLinks links, string token, HttpContext http, CancellationToken ct) =>
        ChargedAsync(links.Verify(token) is { IsUnsubscribe: true } c ? c : throw new NotFoundException("The link"), http, ct);

    private static Task<LinkClaims> PreferencesPageAsync(PreferenceLinks links, string token, HttpContext http, CancellationToken ct) =>
        ChargedAsync(links.Verify(token) is { IsUnsubscribe: false } c ? c : throw new NotFoundException("The link"), http, ct);

    /// <summary>
    /// A page of a valid link is charged to its tenant's end-user limit, as the inbox's requests are: a mail scanner
    /// or a script replaying a link cannot make the pages cost more than the tenant's own users may. Over it: 429 with
    /// Retry-After (a person reads a page saying how long to wait, a program the problem).
    /// </summary>
    private static async Task<LinkClaims> ChargedAsync(LinkClaims claims, HttpContext http, CancellationToken ct)
    {
        await RateLimitEndpoints.EnforceAsync(http, claims.TenantId, EndpointClass.EndUser, 1, ct);
        return claims;
    }

    private static async Task<IFormCollection> ReadFormAsync(HttpContext http)
    {
        if (!http.Request.HasFormContentType)
            throw new UnsupportedMediaTypeException("Post application/x-www-form-urlencoded or multipart/form-data.");
        try
        {
            return await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (InvalidDataException e)
        {
            throw RequestValidationException.For("$", $"An unreadable form: {e.Message}");
        }
    }

    private static string Grid(TenantCategories categories, StoredPreferences own, bool saved)
    {
        var html = new StringBuilder();
        if (saved) html.Append("<p>Saved.</p>");
        var choosable = categories.All.Where(c => !c.Required).ToList();
        if (choosable.Count == 0) return html.Append("<p>There is nothing to choose here.</p>").ToString();
        html.Append("<form method=\"post\"><table><tr><th></th>");
        foreach (var ch in ChannelNames.All) html.Append($"<th>{H(ch)}</th>");
        html.Append("</tr>");
        foreach (var c in choosable)
        {
            html.Append($"<tr><th>{H(c.Name)}</th>");
            foreach (var ch in ChannelNames.All)
            {
                var on = own.OwnChoice(c.Key, ch) ?? c.DefaultFor(ch);
                html.Append($"<td><input type=\"checkbox\" name=\"{H(Box(c.Key, ch))}\" aria-label=\"{H(c.Name)} by {H(ch)}\"{(on ? " checked" : "")}></td>");
            }
            html.Append("</tr>");
        }
        return html.Append("</table>").Append(DigestCadenceForm.Fields(choosable, own))
            .Append("<button type=\"submit\">Save</button></form>").ToString();
    }

    private static string Box(string category, string channel) => $"{category}/{channel}";

    private static string H(string s) => HtmlEncoder.Default.Encode(s);

    /// <summary>
    /// The headers of every hosted page, and of the page a person gets when one is refused (the console renders it, with
    /// its stylesheet and no script): no script, no framing, and the token in the URL kept out of referrers, caches and indexes.
    /// </summary>
    public static void WriteHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";   // the token is in the URL
        headers["X-Robots-Tag"] = "noindex";
    }

    private static IResult Page(HttpContext http, string title, string body, int status = 200)
    {
        WriteHeaders(http.Response);
        return Results.Content($"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{H(title)}</title></head>
            <body><h1>{H(title)}</h1>
            {body}
            </body></html>
            """, "text/html; charset=utf-8", statusCode: status);
    }
}
