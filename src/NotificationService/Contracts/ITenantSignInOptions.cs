namespace NotificationService.Contracts;

/// <summary>A tenant's single sign-on as the sign-in page needs it: where to start it, whether it is the only way in, and
/// the highest role it signs in (<paramref name="ReachesUpTo"/>, the role of whoever set it up): members above it sign in
/// with their own password even when single sign-on is required.</summary>
public sealed record SsoSignInOption(string StartUrl, bool Required, string ReachesUpTo);

/// <summary>A tenant's single sign-on as its settings page shows it: the provider, whom it reaches, and each domain's proof.</summary>
public sealed record SsoPolicy(string Issuer, bool Required, string ReachesUpTo, string? DefaultRole,
    IReadOnlyList<SsoDomainProof> Domains);

public sealed record SsoDomainProof(string Domain, bool Proved, string TxtName, string TxtValue);

/// <summary>
/// How a tenant's members may sign in, decided by the single sign-on feature (Features/Administration/Sso) and asked by
/// the console's sign-in page, which cannot depend on that feature (it depends on the console's sessions).
/// </summary>
public interface ITenantSignInOptions
{
    /// <summary>Null when the tenant has no single sign-on.</summary>
    Task<SsoSignInOption?> SsoAsync(Guid tenantId, CancellationToken ct);

    /// <summary>Null when the tenant has no single sign-on.</summary>
    Task<SsoPolicy?> PolicyAsync(Guid tenantId, CancellationToken ct);
}
