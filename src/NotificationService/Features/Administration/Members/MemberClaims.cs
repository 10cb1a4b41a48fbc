using System.Security.Claims;

namespace NotificationService.Features.Administration.Members;

/// <summary>What a member's console session adds to the principal (beside the tenant and scopes every caller has).</summary>
public static class MemberClaims
{
    public const string MemberId = Tenancy.Auth.AuthClaims.MemberId;
    public const string Email = Tenancy.Auth.AuthClaims.MemberEmail;
    /// <summary>The caller's role: a member's, or `admin` for a console session opened with an admin API key.</summary>
    public const string Role = Tenancy.Auth.AuthClaims.MemberRole;
    /// <summary>How the member signed in: password, sso, link.</summary>
    public const string Method = Tenancy.Auth.AuthClaims.MemberMethod;
    /// <summary>The session's public id (16 hex digits of its hash), to mark "this session" in the member's list.</summary>
    public const string SessionId = "member_session";

    public static Guid? MemberIdOf(this ClaimsPrincipal user) => Guid.TryParse(user.FindFirstValue(MemberId), out var id) ? id : null;

    /// <summary>The role the table checks; an API key with the admin scope counts as an admin.</summary>
    public static string RoleOf(this ClaimsPrincipal user) =>
        user.FindFirstValue(Role)
            ?? (user.HasClaim(Tenancy.Auth.AuthClaims.Scope, Tenancy.Tenants.Scopes.Admin) ? MemberRoles.Admin : MemberRoles.Viewer);
}
