using NotificationService.Features.Tenancy.Tenants;

namespace NotificationService.Features.Administration.Platform;

/// <summary>What the first owner of a new tenant receives, once: an admin API key, or a link to accept an invitation.</summary>
public sealed record OwnerAccess(string? ApiKey, string? InvitationUrl);

/// <summary>
/// The seam where member sign-in plugs in: it registers its own implementation (invite <c>ownerEmail</c> as the owner
/// and answer the invitation link) in place of <see cref="FirstAdminKeyOnboarding"/>, and the platform API's create
/// answers <c>invitationUrl</c> instead of <c>apiKey</c> without another change.
/// </summary>
public interface ITenantOwnerOnboarding
{
    Task<OwnerAccess> OnboardAsync(Guid tenantId, string? ownerEmail, CancellationToken ct);
}

/// <summary>
/// Until members exist: a first admin key with every scope, named `owner`, for the operator to hand over. The owner's
/// email is not stored (there is nothing to send it yet), so the tenant holds no one's address.
/// </summary>
public sealed class FirstAdminKeyOnboarding(TenantStore tenants) : ITenantOwnerOnboarding
{
    public async Task<OwnerAccess> OnboardAsync(Guid tenantId, string? ownerEmail, CancellationToken ct)
    {
        var (_, key) = await tenants.CreateServiceAccountAsync(tenantId, "owner", Scopes.All, ct);
        return new OwnerAccess(key, null);
    }
}
