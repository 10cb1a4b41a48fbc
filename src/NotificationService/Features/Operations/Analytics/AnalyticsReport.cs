using NotificationService.Contracts;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>One group's funnel: how many of its notifications reached each status in the range.</summary>
public sealed record AnalyticsGroup(string Key, long Accepted, long Sent, long Delivered, long Seen, long Opened, long Read, long Clicked,
    long Failed, long Suppressed, long Skipped, long Cancelled, long Expired)
{
    public static AnalyticsGroup Of(string key, IEnumerable<AnalyticsCell> cells)
    {
        var by = cells.GroupBy(c => c.Status).ToDictionary(g => g.Key, g => g.Sum(c => c.Count));
        long N(string status) => by.GetValueOrDefault(status);
        return new(key, N(NotificationStatuses.Accepted), N(NotificationStatuses.Sent), N(NotificationStatuses.Delivered),
            N(NotificationStatuses.Seen), N(NotificationStatuses.Opened), N(NotificationStatuses.Read), N(NotificationStatuses.Clicked),
            N(NotificationStatuses.Failed), N(NotificationStatuses.Suppressed), N(NotificationStatuses.Skipped),
            N(NotificationStatuses.Cancelled), N(NotificationStatuses.Expired));
    }
}

/// <summary>How many notifications ended <paramref name="Status"/> (failed, suppressed, skipped, expired) for a reason.</summary>
public sealed record AnalyticsReason(string Status, string Reason, long Count);

/// <summary>A provider's outcomes: <paramref name="ErrorRate"/> is failed ÷ (sent + failed), null before any attempt ended.</summary>
public sealed record AnalyticsProvider(string Provider, long Sent, long Delivered, long Failed, double? ErrorRate);

/// <summary>
/// The answer of `GET /api/v1/admin/analytics`: groups (the names), the whole range's funnel, reasons, providers,
/// each provider's call latency per channel, and what the digest and throttle steps absorbed and saved.
/// </summary>
public sealed record AnalyticsReport(DateTimeOffset From, DateTimeOffset To, string GroupBy, IReadOnlyList<AnalyticsGroup> Groups,
    AnalyticsGroup Total, IReadOnlyList<AnalyticsReason> Reasons, IReadOnlyList<AnalyticsProvider> Providers,
    IReadOnlyList<AnalyticsLatency> Latency, IReadOnlyList<AnalyticsDigest> Digests, IReadOnlyList<AnalyticsThrottle> Throttles)
{
    public static AnalyticsReport Of(DateTimeOffset from, DateTimeOffset to, string groupBy, List<AnalyticsCell> grouped,
        List<AnalyticsCell> byProvider, IReadOnlyList<AnalyticsLatency>? latency = null, IReadOnlyList<AnalyticsDigest>? digests = null,
        IReadOnlyList<AnalyticsThrottle>? throttles = null)
    {
        var groups = grouped.GroupBy(c => c.Key).Select(g => AnalyticsGroup.Of(g.Key, g))
            .OrderByDescending(g => g.Accepted).ThenBy(g => g.Key).ToList();
        var reasons = grouped.Where(c => c.Reason.Length > 0).GroupBy(c => (c.Status, c.Reason))
            .Select(g => new AnalyticsReason(g.Key.Status, g.Key.Reason, g.Sum(c => c.Count))).OrderByDescending(r => r.Count).ToList();
        var providers = byProvider.Where(c => c.Key.Length > 0).GroupBy(c => c.Key).Select(g => AnalyticsGroup.Of(g.Key, g))
            .Select(p => new AnalyticsProvider(p.Key, p.Sent, p.Delivered, p.Failed,
                p.Sent + p.Failed == 0 ? null : (double)p.Failed / (p.Sent + p.Failed)))
            .OrderByDescending(p => p.Sent + p.Failed).ToList();
        return new(from, to, groupBy, groups, AnalyticsGroup.Of("", grouped), reasons, providers, latency ?? [], digests ?? [],
            throttles ?? []);
    }
}
