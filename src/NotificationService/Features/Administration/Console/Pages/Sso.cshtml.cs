using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Tenants;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// The tenant's single sign-on as policy, for every member to read: the provider, whom it signs in (up to the role of
/// whoever saved it), that the second factor follows it, and which domains are proved. Changing it is the admin API's
/// (`PUT /api/v1/admin/sso`, owners and admins).
/// </summary>
public sealed class SsoModel(TenantStore tenants) : ConsolePage
{
    public SsoPolicy? Policy { get; private set; }
    public bool TeamRequiresTotp { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (HttpContext.RequestServices.GetService<ITenantSignInOptions>() is { } options) Policy = await options.PolicyAsync(TenantId, ct);
        TeamRequiresTotp = await tenants.RequiresTotpAsync(TenantId, ct);
    }
}
