using NotificationService.Contracts;

namespace NotificationService.Features.Administration.Sso;

/// <summary>The console's questions, answered from the tenant's configuration: `required` turns the password form off
/// (for the members the provider reaches), and the settings page shows whom the provider reaches and the domains' proofs.</summary>
public sealed class SsoSignInOptions(SsoSettingsStore settings, SsoDomainProofs proofs) : ITenantSignInOptions
{
    public async Task<SsoSignInOption?> SsoAsync(Guid tenantId, CancellationToken ct) =>
        await settings.FindAsync(tenantId, ct) is { } sso
            ? new SsoSignInOption($"{SsoFlowEndpoints.StartPath}?tenant={tenantId}", sso.Required, sso.ConfiguredByRole)
            : null;

    public async Task<SsoPolicy?> PolicyAsync(Guid tenantId, CancellationToken ct) =>
        await settings.FindAsync(tenantId, ct) is { } sso
            ? new SsoPolicy(sso.Issuer, sso.Required, sso.ConfiguredByRole, sso.DefaultRole,
                [.. (await proofs.ListAsync(tenantId, ct)).Select(d => new SsoDomainProof(d.Domain, d.Verified, d.TxtName, d.TxtValue))])
            : null;
}
