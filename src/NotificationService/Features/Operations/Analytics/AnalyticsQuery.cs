using System.Globalization;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>The range and grouping of an analytics request, checked: a bad one is a 400 naming its parameter.</summary>
public sealed record AnalyticsQuery(DateTimeOffset From, DateTimeOffset To, string GroupBy)
{
    /// <summary>What a report can be grouped by; each is a column of `analytics_hourly` of the same name.</summary>
    public static readonly IReadOnlySet<string> Dimensions =
        new HashSet<string>(StringComparer.Ordinal) { "channel", "template", "workflow", "category", "provider" };

    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(92);

    /// <summary>The instants a bound may name. Rounding `to` up an hour and defaulting `from` to a day before it must stay
    /// inside DateTimeOffset's range: at 0001-01-01 or 9999-12-31 that arithmetic was a 500.</summary>
    public static readonly DateTimeOffset Earliest = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Latest = new(9999, 12, 30, 23, 59, 59, TimeSpan.Zero);

    /// <summary>
    /// Whole UTC hours, the rollups' grain: `from` rounds down and `to` up, so the current hour is in. No `to`: now; no
    /// `from`: 24 hours before `to`; no `groupBy`: channel.
    /// </summary>
    public static AnalyticsQuery Parse(string? from, string? to, string? groupBy, DateTimeOffset now)
    {
        var last = AnalyticsCounter.Hour(Instant(to, "to") ?? now).AddHours(1);
        var first = AnalyticsCounter.Hour(Instant(from, "from") ?? last.AddDays(-1));
        if (first >= last) throw RequestValidationException.For("from", "`from` must be before `to`.");
        if (last - first > MaxRange) throw RequestValidationException.For("from", $"At most {MaxRange.TotalDays:0} days per request.");
        var by = groupBy ?? "channel";
        if (!Dimensions.Contains(by)) throw RequestValidationException.For("groupBy", $"One of {string.Join(", ", Dimensions)}.");
        return new(first, last, by);
    }

    private static DateTimeOffset? Instant(string? value, string field)
    {
        if (value is null) return null;
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            throw RequestValidationException.For(field, "A UTC date or date-time (ISO 8601), e.g. 2026-01-31 or 2026-01-31T09:00:00Z.");
        if (at < Earliest || at > Latest)
            throw RequestValidationException.For(field, FormattableString.Invariant(
                $"A date-time from {Earliest:yyyy-MM-dd'T'HH:mm:ss'Z'} to {Latest:yyyy-MM-dd'T'HH:mm:ss'Z'}."));
        return at;
    }
}
