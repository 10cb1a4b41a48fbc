using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;

namespace NotificationService.Features.Administration.Console.Session;

/// <summary>
/// The console's cookie → the same claims an API key gives (tenant, key prefix, scopes), so pages call the same
/// stores with the same tenant rule. Scopes are the session's intersected with the key's current ones: revoking the
/// key, or narrowing it, ends or narrows every console session opened with it on the next request.
/// </summary>
public sealed class ConsoleSessionAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ConsoleSessionStore sessions, TenantStore tenants) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ConsoleSession";
    public const string CookieName = "ns_console";
    public const string OperatorClaim = "console_operator";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Cookies[CookieName] is not { Length: > 0 } token) return AuthenticateResult.NoResult();
        if (await sessions.FindAsync(token, Context.RequestAborted) is not { } session) return AuthenticateResult.Fail("Session expired or signed out.");
        if (await tenants.FindActiveByPrefixAsync(session.KeyPrefix, Context.RequestAborted) is not { } account || account.Id != session.ServiceAccountId)
            return AuthenticateResult.Fail("The key this session was opened with is revoked.");

        var claims = new List<Claim>
        {
            new(AuthClaims.TenantIdClaim, session.TenantId.ToString()),
            new(AuthClaims.ServiceAccountId, session.ServiceAccountId.ToString()),
            new(AuthClaims.KeyPrefix, session.KeyPrefix),
            new(AuthClaims.ConsoleSession, "true"),
        };
        claims.AddRange(session.Scopes.Intersect(account.Scopes).Select(s => new Claim(AuthClaims.Scope, s)));
        if (session.IsOperator) claims.Add(new Claim(OperatorClaim, "true"));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Redirect($"{Request.PathBase}/admin/sign-in?returnUrl={Uri.EscapeDataString(Request.Path + Request.QueryString)}");
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 403;
        return Task.CompletedTask;
    }
}
