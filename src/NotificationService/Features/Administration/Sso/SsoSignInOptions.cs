using NotificationService.Contracts;

namespace NotificationService.Features.Administration.Sso;

/// <summary>The sign-in page's question, answered from the tenant's configuration: `required` turns the password form off.</summary>
public sealed class SsoSignInOptions(SsoSettingsStore settings) : ITenantSignInOptions
{
    public async Task<SsoSignInOption?> SsoAsync(Guid tenantId, CancellationToken ct) =>
        await settings.FindAsync(tenantId, ct) is { } sso ? new SsoSignInOption($"{SsoFlowEndpoints.StartPath}?tenant={tenantId}", sso.Required, sso.ConfiguredByRole) : null;
}
