using NotificationService.Features.Operations.Analytics;
using Value = NotificationService.Features.Administration.Console.Pages.AnalyticsBars.Value;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>The analytics page's charts, drawn from the API's report: the words beside each bar are the figures its tables show.</summary>
public static class AnalyticsCharts
{
    /// <summary>Failures and suppressions per reason, by count.</summary>
    public static AnalyticsBars Reasons(AnalyticsReport report) => AnalyticsBars.Of("reasons-chart",
        [.. report.Reasons.Select(r =>
            ($"{r.Status}|{r.Reason}", $"{r.Status}: {r.Reason}", Of(new Value("count", r.Count, $"{r.Count}"))))]);

    /// <summary>Each provider's error rate (failed of the attempts that ended), "—" before any ended.</summary>
    public static AnalyticsBars ErrorRates(AnalyticsReport report) => AnalyticsBars.Of("error-rate-chart",
        [.. report.Providers.Select(p => (p.Provider, p.Provider,
            Of(new Value("errorRate", (p.ErrorRate ?? 0) * 100, $"{AnalyticsModel.ErrorRate(p.ErrorRate)} of {p.Sent + p.Failed}"))))]);

    /// <summary>Each provider's call time per channel, p50 and p95 on one scale.</summary>
    public static AnalyticsBars Latency(AnalyticsReport report) => AnalyticsBars.Of("latency-chart",
        [.. report.Latency.Select(l => ($"{l.Provider}/{l.Channel}", $"{l.Provider} · {l.Channel}",
            Of(new Value("p50", l.P50Ms ?? 0, $"p50 {AnalyticsModel.Ms(l.P50Ms)}"),
                new Value("p95", l.P95Ms ?? 0, $"p95 {AnalyticsModel.Ms(l.P95Ms)}"))))]);

    /// <summary>Each digest step's events absorbed and each throttle step's runs held back, beside the messages each saved.</summary>
    public static AnalyticsBars Savings(AnalyticsReport report) => AnalyticsBars.Of("savings-chart",
        [.. report.Digests.Select(d => ($"digest/{d.Workflow}/{d.Step}", $"{d.Workflow} · {d.Step} (digest)",
                Of(new Value("absorbed", d.Absorbed, $"{d.Absorbed} absorbed"),
                    new Value("messagesSaved", d.MessagesSaved, $"{d.MessagesSaved} saved")))),
            .. report.Throttles.Select(t => ($"throttle/{t.Workflow}/{t.Step}", $"{t.Workflow} · {t.Step} (throttle)",
                Of(new Value("heldBack", t.HeldBack, $"{t.HeldBack} held back"),
                    new Value("messagesSaved", t.MessagesSaved, $"{t.MessagesSaved} saved"))))]);

    private static IReadOnlyList<Value> Of(params Value[] values) => values;
}
