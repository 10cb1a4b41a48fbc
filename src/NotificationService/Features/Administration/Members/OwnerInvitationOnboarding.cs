using NotificationService.Features.Administration.Platform;

namespace NotificationService.Features.Administration.Members;

/// <summary>
/// The platform API's first owner, now that members exist: a tenant created with an <c>ownerEmail</c> gets that person
/// invited as its owner, and the create answers the invitation link (shown once) instead of a key, exactly as
/// <c>tenants create --owner-email</c> does. A tenant created without one still gets a first admin key: there is nobody
/// to invite, and without either nobody could reach the tenant.
/// </summary>
public sealed class OwnerInvitationOnboarding(MemberCommands commands, FirstAdminKeyOnboarding firstKey) : ITenantOwnerOnboarding
{
    public async Task<OwnerAccess> OnboardAsync(Guid tenantId, string? ownerEmail, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(ownerEmail)) return await firstKey.OnboardAsync(tenantId, null, ct);
        var invitation = await commands.InviteOwnerAsync(tenantId, ownerEmail, ct);
        return new OwnerAccess(null, invitation.InviteUrl);
    }
}
