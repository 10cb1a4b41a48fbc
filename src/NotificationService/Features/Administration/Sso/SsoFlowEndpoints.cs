using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace NotificationService.Features.Administration.Sso;

/// <summary>
/// The browser's side of single sign-on (OpenID Connect authorization code flow with PKCE):
/// `GET /admin/sso/start?email=…` (or `?tenant=<tenant id>`) finds the tenant, remembers the sign-in and sends the browser
/// to the tenant's provider; `GET /admin/sso/callback` is where the provider sends it back: the sign-in is taken once and
/// must have been started by this browser (state + cookie), the code is exchanged with the verifier, the ID token checked
/// (<see cref="SsoIdTokenValidator"/>), the email's domain checked against the allowed ones, and the member signed in
/// (<see cref="ISsoMemberSignIn"/>). Every refusal is a page that says why, with a 4xx status.
/// </summary>
public static class SsoFlowEndpoints
{
    public const string StartPath = "/admin/sso/start", CallbackPath = "/admin/sso/callback";
    public const string BrowserCookie = "ns_sso";

    public static void MapSsoFlow(this WebApplication app)
    {
        app.MapGet(StartPath, StartAsync).ExcludeFromDescription();
        app.MapGet(CallbackPath, CallbackAsync).ExcludeFromDescription();
    }

    /// <summary>The one redirect URI for every tenant (the tenant rides in the state): what an admin registers at the provider.</summary>
    public static string RedirectUri(HttpRequest request, IConfiguration config) =>
        (config["PublicBaseUrl"] is { Length: > 0 } publicBase ? publicBase.TrimEnd('/') : $"{request.Scheme}://{request.Host}")
        + CallbackPath;

    private static async Task<IResult> StartAsync(HttpContext http, string? email, string? tenant, string? returnUrl,
        SsoSettingsStore settings, SsoProviderMetadata metadata, SsoSignInStore signIns, IConfiguration config,
        ILogger<SsoSignInStore> log, CancellationToken ct)
    {
        try
        {
            var tenantId = Guid.TryParse(tenant, out var named) ? named
                : email?.Trim() is { Length: > 2 and <= 320 } e && e.Contains('@')
                    && await settings.TenantForDomainAsync(SsoRules.DomainOf(e), ct) is { } found ? found
                : throw new SsoSignInRefused(tenant is not null ? SsoRefusal.NotConfigured
                    : email is null ? SsoRefusal.NoTenant : SsoRefusal.DomainUnknown);
            var sso = await settings.FindAsync(tenantId, ct) ?? throw new SsoSignInRefused(SsoRefusal.NotConfigured);
            var provider = await ProviderAsync(metadata, sso, ct);
            var (state, browser) = await signIns.StartAsync(tenantId, LocalConsolePath(returnUrl), ct);
            http.Response.Cookies.Append(BrowserCookie, browser, new CookieOptions
            {
                // Lax, not Strict: the provider's redirect back is a cross-site top-level GET, which a Strict cookie would miss.
                HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, Path = CallbackPath,
                MaxAge = SsoSignInStore.Lifetime, IsEssential = true,
            });
            var query = new Dictionary<string, string?>
            {
                ["client_id"] = sso.ClientId, ["response_type"] = "code", ["scope"] = "openid email",
                ["redirect_uri"] = RedirectUri(http.Request, config),
                ["state"] = state, ["nonce"] = SsoSignInStore.Nonce(browser),
                ["code_challenge"] = SsoSignInStore.CodeChallenge(SsoSignInStore.CodeVerifier(browser)), ["code_challenge_method"] = "S256",
            };
            if (email is { Length: > 0 and <= 320 }) query["login_hint"] = email.Trim();
            var authorize = QueryHelpers.AddQueryString(provider.AuthorizationEndpoint, query);
            // The work-address form lands here: a redirect would be the form's, which the console's CSP (form-action 'self')
            // stops at the provider's site, so that start answers a page that moves on (SsoPages). A link (?tenant=) redirects.
            return tenant is null
                ? SsoPages.MovingOn(authorize, "Going to your organisation's identity provider", "Continue to your identity provider")
                : TypedResults.Redirect(authorize);
        }
        catch (SsoSignInRefused refused) { return Refused(http, log, refused); }
    }

    private static async Task<IResult> CallbackAsync(HttpContext http, string? code, string? state, string? error, string? iss,
        SsoSettingsStore settings, SsoProviderMetadata metadata, SsoSignInStore signIns, SsoCodeExchange exchange,
        SsoIdTokenValidator validator, IConfiguration config, ILogger<SsoSignInStore> log, CancellationToken ct)
    {
        http.Response.Cookies.Delete(BrowserCookie, new CookieOptions { Path = CallbackPath });
        try
        {
            var pending = await signIns.TakeAsync(state, http.Request.Cookies[BrowserCookie], ct)
                ?? throw new SsoSignInRefused(SsoRefusal.StateMismatch);
            if (error is not null) throw new SsoSignInRefused(SsoRefusal.ProviderError, error.Length > 100 ? error[..100] : error);
            if (string.IsNullOrEmpty(code) || code.Length > 4096) throw new SsoSignInRefused(SsoRefusal.CodeRefused, "no code");
            var sso = await settings.FindAsync(pending.TenantId, ct) ?? throw new SsoSignInRefused(SsoRefusal.NotConfigured);
            var provider = await ProviderAsync(metadata, sso, ct);
            // RFC 9207: a provider that says who it is in the redirect must be the one this sign-in went to (mix-up attacks).
            if (iss is not null && iss.TrimEnd('/') != sso.Issuer) throw new SsoSignInRefused(SsoRefusal.WrongIssuer, "iss parameter");
            var idToken = await exchange.IdTokenAsync(provider, sso, code, RedirectUri(http.Request, config),
                SsoSignInStore.CodeVerifier(pending.BrowserSecret), ct);
            var identity = await validator.ValidateAsync(provider, sso, idToken, SsoSignInStore.Nonce(pending.BrowserSecret), ct);
            if (!sso.AllowsDomainOf(identity.Email)) throw new SsoSignInRefused(SsoRefusal.DomainNotAllowed);

            var members = http.RequestServices.GetService<ISsoMemberSignIn>()
                ?? throw new SsoSignInRefused(SsoRefusal.NotAMember, "no member directory");
            return await members.SignInAsync(http, identity, sso, pending.ReturnUrl, ct);
        }
        catch (SsoSignInRefused refused) { return Refused(http, log, refused); }
    }

    private static async Task<Microsoft.IdentityModel.Protocols.OpenIdConnect.OpenIdConnectConfiguration> ProviderAsync(
        SsoProviderMetadata metadata, SsoSettings sso, CancellationToken ct)
    {
        try { return await metadata.GetAsync(sso.TenantId, sso.Issuer, ct); }
        catch (SsoProviderException e) { throw new SsoSignInRefused(SsoRefusal.ProviderUnavailable, e.Message); }
    }

    /// <summary>The refusal as a small page (the console's styles, no script); the log line has the reason, never a token.</summary>
    private static ContentHttpResult Refused(HttpContext http, ILogger log, SsoSignInRefused refused)
    {
        log.LogInformation("Single sign-on refused: {Reason} ({Detail})", refused.Reason, refused.Detail);
        var (status, message) = SsoRefusals.Of(refused.Reason);
        var html = $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Single sign-on refused · NotificationService admin</title>
            <link rel="icon" href="data:,"><link rel="stylesheet" href="/admin/console.css"></head>
            <body><main><h1>Single sign-on refused</h1>
            <p class="error" role="alert" id="sso-error" data-reason="{refused.Reason}">{WebUtility.HtmlEncode(message)}</p>
            <p><a href="/admin/sign-in">Back to sign-in</a></p></main></body></html>
            """;
        return TypedResults.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>Only a local console path (no open redirect after sign-in); anything else is the overview.</summary>
    public static string LocalConsolePath(string? returnUrl) =>
        returnUrl is { Length: <= 2000 } r && r.StartsWith("/admin", StringComparison.Ordinal)
            && (r.Length == 6 || r[6] is '/' or '?' or '#')
            && !r.Contains('\\') && !r.Contains("//") && !r.Any(char.IsControl) ? r : "/admin";
}
