using NotificationService.Features.Tenancy.Tenants;

namespace NotificationService.Features.Administration.Members;

/// <summary>
/// Who must have a second factor: owners and admins always; every member when their tenant requires it (the tenant
/// setting `requireTotp`). Read at each sign-in, so turning it on makes each member without one enrol at their next sign-in.
/// </summary>
public sealed class SecondFactorRule(TenantStore tenants)
{
    public async Task<bool> RequiredForAsync(Member member, CancellationToken ct) =>
        MemberRoles.RequiresTotp(member.Role) || await tenants.RequiresTotpAsync(member.TenantId, ct);
}
