using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>`GET /api/v1/admin/analytics`: the tenant's delivery funnel per channel, template, workflow, category or provider,
/// from the rollups.</summary>
public static class AnalyticsEndpoints
{
    public static IServiceCollection AddAnalytics(this IServiceCollection services) => services
        .AddSingleton<AnalyticsStore>()
        .AddSingleton<AnalyticsCounter>()
        .AddSingleton<INotificationObserver>(sp => sp.GetRequiredService<AnalyticsCounter>())
        .AddSingleton<AnalyticsFlusher>()
        .AddSingleton<IRetainedData, AnalyticsRetention>()
        .AddSingleton<LatencyStore>()
        .AddSingleton<LatencyCounter>()
        .AddSingleton<IProviderCallObserver>(sp => sp.GetRequiredService<LatencyCounter>())
        .AddSingleton<LatencyFlusher>()
        .AddHostedService(sp => sp.GetRequiredService<LatencyFlusher>())
        .AddSingleton<StepWindowStore>()
        .AddSingleton<StepWindowCounter>()
        .AddSingleton<IStepWindowObserver>(sp => sp.GetRequiredService<StepWindowCounter>())
        .AddSingleton<StepWindowFlusher>()
        .AddHostedService(sp => sp.GetRequiredService<StepWindowFlusher>())
        .AddHostedService(sp => sp.GetRequiredService<AnalyticsFlusher>());

    public static void MapAnalytics(this WebApplication app) =>
        app.MapGroup("/api/v1/admin/analytics").WithTags("Admin: analytics").RequireScopes()
            .MapGet("", async Task<Ok<AnalyticsReport>> (string? from, string? to, string? groupBy, HttpContext http, AnalyticsStore store,
                LatencyStore latency, StepWindowStore windows, TimeProvider clock, CancellationToken ct) =>
            {
                var q = AnalyticsQuery.Parse(from, to, groupBy, clock.GetUtcNow());
                return TypedResults.Ok(await ReportAsync(store, http.User.TenantId(), q, ct, latency, windows));
            }).WithSummary("The tenant's delivery funnel, failure reasons, providers, digests and throttles over a range, per group");

    /// <summary>The report the API answers and the console's page draws.</summary>
    /// <param name="latency">Without it (callers that predate latency) the report's `latency` is empty.</param>
    /// <param name="windows">Without it the report's `digests` and `throttles` are empty.</param>
    public static async Task<AnalyticsReport> ReportAsync(AnalyticsStore store, Guid tenantId, AnalyticsQuery q, CancellationToken ct,
        LatencyStore? latency = null, StepWindowStore? windows = null)
    {
        var grouped = await store.SumAsync(tenantId, q.GroupBy, q.From, q.To, ct);
        var byProvider = q.GroupBy == "provider" ? grouped : await store.SumAsync(tenantId, "provider", q.From, q.To, ct);
        List<AnalyticsLatency> calls = latency is null ? [] : await latency.PerProviderAsync(tenantId, q.From, q.To, ct);
        (List<AnalyticsDigest> Digests, List<AnalyticsThrottle> Throttles) steps = windows is null
            ? ([], [])
            : await windows.PerStepAsync(tenantId, q.From, q.To, ct);
        return AnalyticsReport.Of(q.From, q.To, q.GroupBy, grouped, byProvider, calls, steps.Digests, steps.Throttles);
    }
}
