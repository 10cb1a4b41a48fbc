using System.Security.Claims;

namespace NotificationService.Contracts;

/// <summary>
/// The end user behind a `/api/v1/users/me/*` request: a tenant and a userId, both taken from the user's token, never
/// from the request. The same userId in two tenants is two people. Features that serve end users (inbox, stream,
/// preferences, devices) read the caller through <see cref="From"/> and require <see cref="Policy"/> on their group.
/// </summary>
public sealed record EndUser(Guid TenantId, string UserId)
{
    /// <summary>The authentication scheme that validates end-user JWTs.</summary>
    public const string Scheme = "EndUserJwt";

    /// <summary>The authorization policy every `/api/v1/users/me` group requires (end-user tokens only, never API keys).</summary>
    public const string Policy = "end-user";

    /// <summary>The claim the scheme adds with the tenant it resolved from the token's issuer.</summary>
    public const string TenantClaim = "ns_tenant";

    /// <summary>The claim carrying the recipient's userId (the token's `sub`).</summary>
    public const string UserClaim = "sub";

    public static EndUser From(ClaimsPrincipal principal) => new(
        Guid.Parse(principal.FindFirstValue(TenantClaim) ?? throw new InvalidOperationException("no tenant on an end-user principal")),
        principal.FindFirstValue(UserClaim) ?? throw new InvalidOperationException("no sub on an end-user principal"));
}
