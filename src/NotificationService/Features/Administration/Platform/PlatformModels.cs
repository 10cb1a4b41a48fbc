namespace NotificationService.Features.Administration.Platform;

/// <summary>One endpoint class's API rate limit (`send`, `batch`, `admin`, `end_user`), as the tenant's own rate-limits API
/// spells it.</summary>
public sealed record RateLimitInput
{
    public double? PerSecond { get; init; }
    public double? Burst { get; init; }
}

/// <summary>A monthly quota on one channel: `perMonth` messages, and what a send beyond it gets (`refuse`, the default, or
/// `hold`).</summary>
public sealed record QuotaInput
{
    public long? PerMonth { get; init; }
    public string? Overage { get; init; }
}

/// <summary>
/// `limits`: per endpoint class, a limit of the tenant's own (above or below the configured default: the operator may
/// raise one, a tenant's admin key only lower it), or null to return to the default. A class left out is unchanged.
/// `quotas`: per channel, a monthly quota, or null to remove it; a channel left out is unchanged.
/// </summary>
public sealed record CreateTenantRequest
{
    public string? Name { get; init; }
    public string? Slug { get; init; }
    public Dictionary<string, RateLimitInput?>? Limits { get; init; }
    public Dictionary<string, QuotaInput?>? Quotas { get; init; }
    public string? OwnerEmail { get; init; }
}

public sealed record UpdateTenantRequest
{
    public Dictionary<string, RateLimitInput?>? Limits { get; init; }
    public Dictionary<string, QuotaInput?>? Quotas { get; init; }
}

/// <summary>A channel's monthly quota and its use: charged this month, and held for the next (with `hold`) until `resetsAt`.</summary>
public sealed record TenantQuotaView(long PerMonth, string Overage, long Used, long HeldForNextMonth, DateTimeOffset ResetsAt);

public sealed record TenantLimitView(double PerSecond, double Burst, string Source);

/// <summary>
/// A tenant as the operator sees it: lifecycle, when one of its keys was last used, the month's usage (per channel, by
/// the status notifications reached, from the usage counters), its API limits and its monthly quotas with their use
/// (per channel; none: no quota). Never a key.
/// </summary>
public sealed record PlatformTenantView(Guid Id, string Name, string? Slug, string Status, DateTimeOffset CreatedAt,
    DateTimeOffset? StatusChangedAt,
    DateTimeOffset? LastActivityAt, Dictionary<string, Dictionary<string, long>> UsageThisMonth, Dictionary<string, TenantLimitView> Limits,
    Dictionary<string, TenantQuotaView> Quotas);

/// <summary>
/// The answer to a create: the tenant, and the first owner's access, shown once: `invitationUrl` when the create named an
/// `ownerEmail` (that person is invited as owner), else `apiKey` (an admin key). A replayed create (same Idempotency-Key)
/// answers neither: each is shown once.
/// </summary>
public sealed record CreatedPlatformTenant(Guid Id, PlatformTenantView Tenant, string? ApiKey, string? InvitationUrl);

public sealed record PlatformTenantPage(IReadOnlyList<PlatformTenantView> Items, string? NextCursor);
