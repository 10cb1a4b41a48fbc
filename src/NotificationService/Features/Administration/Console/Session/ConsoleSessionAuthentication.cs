using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;

namespace NotificationService.Features.Administration.Console.Session;

/// <summary>
/// The console's cookie → the member's claims (tenant, member, role, and the role's scopes), so pages call the same
/// stores with the same tenant rule as the API. Only members have console sessions: a session row left from the
/// retired API-key sign-in opens nothing.
/// </summary>
public sealed class ConsoleSessionAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, ConsoleSessionStore sessions, Members.MemberStore members, IConfiguration config)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ConsoleSession";
    public const string CookieName = "ns_console";
    public const string OperatorClaim = "console_operator";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Cookies[CookieName] is not { Length: > 0 } token) return AuthenticateResult.NoResult();
        if (await sessions.FindAsync(token, Context.RequestAborted) is not { } session)
            return AuthenticateResult.Fail("Session expired or signed out.");
        if (session.MemberId is not { } memberId)
            return AuthenticateResult.Fail("API keys no longer open the console; sign in as a member.");
        return await MemberAsync(session, memberId);
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
        // Owners and admins may do everything in the console, as the admin keys that opened it did: every scope, so
        // the API's own rules (a key can only grant scopes its creator holds) let them make a service's send key.
        var scopes = member.Role is Members.MemberRoles.Owner or Members.MemberRoles.Admin
            ? Scopes.All
            : Members.RoleTable.ScopesOf(member.Role);
        claims.AddRange(scopes.Select(s => new Claim(AuthClaims.Scope, s)));
        if (IsOperator(session.TenantId, member.Role)) claims.Add(new Claim(OperatorClaim, "true"));
        return AuthenticateResult.Success(
            new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    /// <summary>
    /// `Admin:OperatorTenant`: the team that runs the service. Its owners, admins and operators see every tenant's
    /// queues on the queues page and act there (audited in the tenant acted on); its editors and viewers do not.
    /// </summary>
    private bool IsOperator(Guid tenantId, string role) =>
        Guid.TryParse(config["Admin:OperatorTenant"], out var operatorTenant) && operatorTenant == tenantId
        && role is Members.MemberRoles.Owner or Members.MemberRoles.Admin or Members.MemberRoles.Operator;

    /// <summary>
    /// No session (or an ended one): a person's browser goes to the sign-in page, which comes back here (a return URL of
    /// this request's own path; the sign-in page takes only a local console path); a program gets a 401 problem
    /// (the status code pages write it), not a redirect to a page it cannot use.
    /// </summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (NotificationService.Infrastructure.PeopleGetPages.WantsPage(Request))
            Response.Redirect($"{Request.PathBase}/admin/sign-in?returnUrl={Uri.EscapeDataString(Request.Path + Request.QueryString)}");
        else Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = 403;
        return Task.CompletedTask;
    }
}
