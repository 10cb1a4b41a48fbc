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
    ConsoleSessionStore sessions, TenantStore tenants, Members.MemberStore members) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ConsoleSession";
    public const string CookieName = "ns_console";
    public const string OperatorClaim = "console_operator";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Cookies[CookieName] is not { Length: > 0 } token) return AuthenticateResult.NoResult();
        if (await sessions.FindAsync(token, Context.RequestAborted) is not { } session) return AuthenticateResult.Fail("Session expired or signed out.");
        if (session.MemberId is { } memberId) return await MemberAsync(session, memberId);
        if (await tenants.FindActiveByPrefixAsync(session.KeyPrefix!, Context.RequestAborted) is not { } account || account.Id != session.ServiceAccountId)
            return AuthenticateResult.Fail("The key this session was opened with is revoked.");

        var claims = new List<Claim>
        {
            new(AuthClaims.TenantIdClaim, session.TenantId.ToString()),
            new(AuthClaims.ServiceAccountId, session.ServiceAccountId.ToString()),
            new(AuthClaims.KeyPrefix, session.KeyPrefix!),
            new(AuthClaims.ConsoleSession, "true"),
            new(Members.MemberClaims.Role, Members.MemberRoles.Admin),   // an admin key is an admin
        };
        var scopes = session.Scopes.Intersect(account.Scopes).ToArray();
        if (!scopes.Contains(Scopes.Admin)) return AuthenticateResult.Fail("The key this session was opened with no longer has the admin scope.");
        claims.AddRange(scopes.Select(s => new Claim(AuthClaims.Scope, s)));
        if (session.IsOperator) claims.Add(new Claim(OperatorClaim, "true"));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    /// <summary>
    /// A member's session carries the member's role as it is now (read on every request, like the session): a role
    /// lowered or a member disabled on another replica takes effect here on the next request. Owners and admins get the
    /// admin scope, so the console's existing scope checks hold for them; the role table decides the rest.
    /// </summary>
    private async Task<AuthenticateResult> MemberAsync(ConsoleSession session, Guid memberId)
    {
        var member = await members.FindAsync(session.TenantId, memberId, Context.RequestAborted);
        if (member is not { Status: Members.MemberStatuses.Active }) return AuthenticateResult.Fail("The member is disabled or removed.");
        var claims = new List<Claim>
        {
            new(AuthClaims.TenantIdClaim, session.TenantId.ToString()),
            new(AuthClaims.ConsoleSession, "true"),
            new(Members.MemberClaims.MemberId, member.Id.ToString()),
            new(Members.MemberClaims.Email, member.Email),
            new(Members.MemberClaims.Role, member.Role),
            new(Members.MemberClaims.Method, session.Method ?? "password"),
            new(Members.MemberClaims.SessionId, session.Id ?? ""),
        };
        claims.AddRange(Members.RoleTable.ScopesOf(member.Role).Select(s => new Claim(AuthClaims.Scope, s)));
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
