using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Tenancy.Quotas;

/// <summary>What a send beyond a monthly quota gets: refused (429), or accepted and held until the quota resets.</summary>
public static class QuotaOverage
{
    public const string Refuse = "refuse", Hold = "hold";

    public static bool IsKnown(string? value) => value is Refuse or Hold;
}

/// <summary>A tenant's quota on one channel: at most <paramref name="PerMonth"/> messages accepted per UTC calendar month.</summary>
public sealed record QuotaSetting(long PerMonth, string Overage);

/// <summary>
/// Usage against a quota, as the platform API and the console show it: messages charged to this month, and (with `hold`)
/// to the next one, held until <paramref name="ResetsAt"/>.
/// </summary>
public sealed record QuotaUsage(string Channel, long PerMonth, string Overage, long Used, long HeldForNextMonth,
    DateTimeOffset ResetsAt);

/// <summary>
/// What one accept was charged, per channel: the month charged and how many; <see cref="Line.HeldUntil"/> is set for a
/// channel whose messages are held until the reset (charged to the next month). Refunded as a whole if the accept fails.
/// </summary>
public sealed record QuotaCharge(Guid TenantId, IReadOnlyList<QuotaCharge.Line> Lines)
{
    public sealed record Line(string Channel, DateOnly Month, long Count, DateTimeOffset? HeldUntil);

    public static readonly QuotaCharge None = new(Guid.Empty, []);

    public bool HoldsAny => Lines.Any(l => l.HeldUntil is not null);

    public DateTimeOffset? HeldUntil(string channel)
    {
        foreach (var l in Lines) if (l.Channel == channel) return l.HeldUntil;
        return null;
    }
}

/// <summary>
/// 429: the request would take a channel past the tenant's monthly quota (and, with `hold`, past next month's too, which
/// bounds what can wait for the reset). Nothing was accepted. Retry-After: the seconds until the reset.
/// </summary>
public sealed class QuotaExceededException(string channel, QuotaSetting quota, long used, long wanted, DateTimeOffset resetsAt,
    TimeSpan untilReset, string what)
    : ApiException(429, "Monthly quota exceeded", string.Create(CultureInfo.InvariantCulture,
        $"{what} needs {wanted:N0} {channel} message(s), more than the tenant's monthly {channel} quota has left "
        + $"({used:N0} of {quota.PerMonth:N0} "
        + $"used{(quota.Overage == QuotaOverage.Hold ? ", and next month's, which holds what goes beyond it, is full too" : "")}); "
        + $"the quota resets at {resetsAt:yyyy-MM-dd'T'HH:mm:ss'Z'}."))
{
    public string Channel => channel;

    public override void WriteHeaders(HttpResponse response) =>
        response.Headers.RetryAfter = ((long)Math.Max(1, Math.Ceiling(untilReset.TotalSeconds))).ToString(CultureInfo.InvariantCulture);

    public override void Extend(ProblemDetails problem) =>
        problem.Extensions["quota"] = new Dictionary<string, object>
        {
            ["channel"] = channel, ["perMonth"] = quota.PerMonth, ["used"] = used, ["overage"] = quota.Overage,
            ["resetsAt"] = resetsAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        };
}
