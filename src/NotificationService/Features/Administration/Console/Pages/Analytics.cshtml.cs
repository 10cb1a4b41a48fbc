using NotificationService.Features.Operations.Analytics;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// `/admin/analytics`: the delivery funnel, failure reasons, providers, digests and throttles of the last 24 hours, 7 or 30
/// days, grouped as the reader picks. The report is the API's own (<see cref="AnalyticsEndpoints.ReportAsync"/>), read from the rollups.
/// </summary>
public sealed class AnalyticsModel(AnalyticsStore store, LatencyStore latency, StepWindowStore windows, TimeProvider clock) : ConsolePage
{
    public static readonly (string Value, string Label, TimeSpan Span)[] Periods =
        [("24h", "Last 24 hours", TimeSpan.FromHours(24)), ("7d", "Last 7 days", TimeSpan.FromDays(7)),
            ("30d", "Last 30 days", TimeSpan.FromDays(30))];

    public static readonly string[] Groupings = ["channel", "template", "workflow", "category"];

    public string Period { get; private set; } = "24h";
    public string GroupBy { get; private set; } = "channel";
    public AnalyticsReport Report { get; private set; } = null!;

    public async Task OnGetAsync(string? period, string? groupBy, CancellationToken ct)
    {
        var chosen = Periods.FirstOrDefault(p => p.Value == period);
        if (chosen.Value is null) chosen = Periods[0];
        (Period, GroupBy) = (chosen.Value, Groupings.Contains(groupBy) ? groupBy! : "channel");
        Report = await AnalyticsEndpoints.ReportAsync(
            store, TenantId, QueryFor(chosen.Span, GroupBy, clock.GetUtcNow()), ct, latency, windows);
    }

    /// <summary>
    /// The API's query for a period: it ends after the current hour, as the API's default does, and starts a whole
    /// period before that end, so "last 24 hours" is the API's default 24 rollup hours.
    /// </summary>
    public static AnalyticsQuery QueryFor(TimeSpan period, string groupBy, DateTimeOffset now) =>
        AnalyticsQuery.Parse((AnalyticsCounter.Hour(now).AddHours(1) - period).ToString("O"), now.ToString("O"), groupBy, now);

    /// <summary>The funnel's steps, each as a count of the range's accepted notifications.</summary>
    public IReadOnlyList<(string Label, long Count)> Funnel(AnalyticsGroup g) =>
        [("Accepted", g.Accepted), ("Sent", g.Sent), ("Delivered", g.Delivered), ("Opened", g.Opened), ("Read", g.Read),
            ("Clicked", g.Clicked)];

    /// <summary>A share as a person reads it ("—" when there is nothing to divide by).</summary>
    public static string Rate(long part, long whole) =>
        whole == 0 ? "—" : (part * 100.0 / whole).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " %";

    public static string ErrorRate(double? rate) =>
        rate is { } r ? (r * 100).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " %" : "—";

    public static string Ms(double? ms) =>
        ms is { } v ? v.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " ms" : "—";

    public static string KeyShown(string key) => key.Length == 0 ? "(none)" : key;
}
