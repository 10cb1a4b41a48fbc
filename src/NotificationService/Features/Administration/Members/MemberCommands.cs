using System.Security.Claims;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.Tenancy.Auth;

namespace NotificationService.Features.Administration.Members;

/// <summary>
/// What the command line does with members, for an operator with database access: the first owner's invitation
/// (`tenants create --owner-email`) and the break-glass sign-in link (`members sign-in-link`), both audited with the
/// actor "operator (command line)". Links use `PublicBaseUrl`, else the service's default address.
/// </summary>
public sealed class MemberCommands(MemberAdmin admin, MemberStore members, MemberLinks links, AuditLog audit, IConfiguration config)
{
    public string BaseUrl => config["PublicBaseUrl"]?.TrimEnd('/') ?? "http://localhost:5000";

    public async Task<CreatedInvitation> InviteOwnerAsync(Guid tenantId, string email, CancellationToken ct) =>
        await admin.InviteAsync(Operator(tenantId), email, MemberRoles.Owner, BaseUrl, ct);

    /// <summary>A one-time link that signs an active member in without password or code; null when there is no such member.</summary>
    public async Task<(string Url, DateTimeOffset ExpiresAt)?> SignInLinkAsync(Guid tenantId, string email, CancellationToken ct)
    {
        if (await members.FindByEmailAsync(tenantId, email, ct) is not { Status: MemberStatuses.Active } member) return null;
        var caller = Operator(tenantId);
        var (token, expires) = await links.CreateAsync(tenantId, member.Id, MemberLinks.SignIn, AuditLog.ActorOf(caller), ct);
        await audit.RecordAsync(caller, "member.sign_in_link", "member", member.Id.ToString(), null,
            new { member.Email, expiresAt = expires }, ct);
        return ($"{BaseUrl}/admin/link/{token}", expires);
    }

    private static ClaimsPrincipal Operator(Guid tenantId) => new(new ClaimsIdentity(
    [
        new Claim(AuthClaims.TenantIdClaim, tenantId.ToString()),
        new Claim(AuthClaims.CommandLine, "true"),
        new Claim(MemberClaims.Role, MemberRoles.Owner),   // the operator stands above every role
    ], "command-line"));
}
