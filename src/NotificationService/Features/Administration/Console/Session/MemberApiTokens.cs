using System.Security.Claims;
using NotificationService.Features.Administration.Members;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;

namespace NotificationService.Features.Administration.Console.Session;

/// <summary>
/// A member's bearer token for the admin API (`nsm_{tenant}.{secret}`), made on their account page from the console
/// session they are in: a console session of the `api` kind, so it is listed beside their browsers, ends with them
/// (removal, disabling, a lower role, their own "End") and expires like them (`Admin:MemberTokenMinutes`, 60, and the
/// idle timeout). Only its hash is stored; the token is shown once. A request with it carries the member's role as it is
/// now, and the role table decides each operation (docs/decisions/members-on-the-admin-api.md).
/// </summary>
public sealed class MemberApiTokens(
    ConsoleSessionStore sessions, MemberStore members, AuditLog audit, IConfiguration config, TimeProvider clock)
    : IMemberTokenAuthenticator
{
    /// <summary>How the audit names a member's action through a token: `member ada@example.com (token, …)`.</summary>
    public const string Method = "token";

    public TimeSpan Lifetime => TimeSpan.FromMinutes(Math.Clamp(config.GetValue("Admin:MemberTokenMinutes", 60), 1, 24 * 60));

    /// <summary>A new token for the signed-in member, audited (`member.api_token`, never the token).</summary>
    public async Task<(string Token, DateTimeOffset ExpiresAt)> CreateAsync(ClaimsPrincipal member, CancellationToken ct)
    {
        var memberId = member.MemberIdOf() ?? throw new InvalidOperationException("Only a member makes a member token.");
        var signedInWith = member.FindFirstValue(MemberClaims.Method) ?? MemberSessions.Password;
        var expiresAt = clock.GetUtcNow() + Lifetime;
        var token = await sessions.CreateForMemberAsync(member.TenantId(), memberId, signedInWith, Lifetime, ct, ConsoleSessionStore.Api);
        await audit.RecordAsync(member, "member.api_token", "member", memberId.ToString(), null, new { expiresAt }, ct);
        return (MemberTokens.Prefix + token, expiresAt);
    }

    public async Task<ClaimsPrincipal?> AuthenticateAsync(string token, CancellationToken ct)
    {
        if (await sessions.FindAsync(token[MemberTokens.Prefix.Length..], ct, ConsoleSessionStore.Api)
            is not { MemberId: { } memberId } session) return null;
        var found = await members.FindAsync(session.TenantId, memberId, ct);
        if (found is not { Status: MemberStatuses.Active }) return null;
        var claims = new List<Claim>
        {
            new(AuthClaims.TenantIdClaim, session.TenantId.ToString()),
            new(MemberClaims.MemberId, found.Id.ToString()),
            new(MemberClaims.Email, found.Email),
            new(MemberClaims.Role, found.Role),
            new(MemberClaims.Method, Method),
            new(MemberClaims.SessionId, session.Id ?? ""),
        };
        // The scopes the role's console session carries, for the checks handlers share with keys (a key made by a member
        // never gets more than they hold); they open no operation by themselves (OperationAuthorization).
        claims.AddRange(RoleTable.ScopesOf(found.Role).Select(s => new Claim(AuthClaims.Scope, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, ApiKeyAuthenticationHandler.SchemeName));
    }
}
