using System.Security.Claims;
using NotificationService.Features.Administration.Members;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;

namespace NotificationService.Features.Administration.Console.Session;

/// <summary>
/// The one way a person gets a console session, whatever proved who they are (a password and a code, the tenant's
/// identity provider, a one-time link): <see cref="StartSessionAsync"/> checks the member is active, opens the session,
/// sets the cookie (HttpOnly, SameSite=Strict, Secure over https, path /admin), records the sign-in and audits it.
/// </summary>
public sealed class MemberSessions(
    MemberStore members, ConsoleSessionStore sessions, AuditLog audit, IConfiguration config, TimeProvider clock)
{
    public const string Password = "password", Sso = "sso", Link = "link";

    /// <summary>`Admin:SessionMinutes` (480): the absolute lifetime; the idle timeout is the session store's.</summary>
    public TimeSpan Lifetime => TimeSpan.FromMinutes(Math.Clamp(config.GetValue("Admin:SessionMinutes", 480), 1, 7 * 24 * 60));

    /// <summary>Opens a session for an active member and sets its cookie; returns the cookie's value. A member who is
    /// not active (invited, disabled, removed) gets none: <see cref="InvalidOperationException"/>, the caller checked first.</summary>
    public async Task<string> StartSessionAsync(HttpContext http, Guid tenantId, Guid memberId, string method, CancellationToken ct)
    {
        // A method must say in the role table whom it may sign in (RoleTable.SignInMethods): a new one opens nothing until it does.
        if (!RoleTable.SignInMethods.ContainsKey(method))
            throw new InvalidOperationException($"The sign-in method {method} has no row in RoleTable.SignInMethods.");
        var member = await members.FindAsync(tenantId, memberId, ct);
        if (member is not { Status: MemberStatuses.Active }) throw new InvalidOperationException("Only an active member can sign in.");
        var token = await sessions.CreateForMemberAsync(tenantId, memberId, method, Lifetime, ct);
        await members.RecordSignInAsync(tenantId, memberId, clock.GetUtcNow(), ct);
        await audit.RecordAsync(PrincipalOf(member, method), "member.sign_in", "member", member.Id.ToString(), null, new { method }, ct);
        http.Response.Cookies.Append(ConsoleSessionAuthenticationHandler.CookieName, token, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/admin", MaxAge = Lifetime,
            IsEssential = true,
        });
        return token;
    }

    /// <summary>The member as an audit actor, for what they do before they have a session (signing in, accepting an invite).</summary>
    public static ClaimsPrincipal PrincipalOf(Member member, string method) => new(new ClaimsIdentity(
    [
        new Claim(AuthClaims.TenantIdClaim, member.TenantId.ToString()),
        new Claim(AuthClaims.MemberId, member.Id.ToString()),
        new Claim(AuthClaims.MemberEmail, member.Email),
        new Claim(AuthClaims.MemberMethod, method),
    ], "member"));
}
