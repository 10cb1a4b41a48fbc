using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Tenancy.Auth;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>One group's funnel: how many of its notifications reached each step in the range.</summary>
public sealed record AnalyticsFunnel(string Key, long Accepted, long Sent, long Delivered, long Opened, long Read, long Clicked,
    long Failed, long Suppressed);

public sealed record AnalyticsReport(DateTimeOffset From, DateTimeOffset To, string GroupBy, IReadOnlyList<AnalyticsFunnel> Groups);

/// <summary>`GET /api/v1/admin/analytics`: the tenant's delivery funnel per group over whole UTC hours, from the rollups.</summary>
public static class AnalyticsEndpoints
{
    private static readonly TimeSpan MaxRange = TimeSpan.FromDays(92);

    /// <summary>What `groupBy` takes; only channels are rolled up so far.</summary>
    private static readonly string[] GroupBys = ["channel"];

    public static IServiceCollection AddAnalytics(this IServiceCollection services) => services
        .AddSingleton<AnalyticsStore>()
        .AddSingleton<AnalyticsCounter>()
        .AddSingleton<INotificationObserver>(sp => sp.GetRequiredService<AnalyticsCounter>())
        .AddSingleton<AnalyticsFlusher>()
        .AddHostedService(sp => sp.GetRequiredService<AnalyticsFlusher>());

    public static void MapAnalytics(this WebApplication app) =>
        app.MapGroup("/api/v1/admin/analytics").WithTags("Admin: analytics").RequireScopes()
            .MapGet("", async Task<Ok<AnalyticsReport>> (string? from, string? to, string? groupBy, HttpContext http, AnalyticsStore store,
                TimeProvider clock, CancellationToken ct) =>
            {
                var dimension = groupBy ?? "channel";
                if (!GroupBys.Contains(dimension)) throw RequestValidationException.For("groupBy", $"One of {string.Join(", ", GroupBys)}.");
                // Whole hours, the rollups' grain: `to` rounds up so the current hour is in.
                var last = AnalyticsCounter.HourOf(Instant(to, "to") ?? clock.GetUtcNow());
                var end = last.AddHours(1);
                var start = AnalyticsCounter.HourOf(Instant(from, "from") ?? end.AddHours(-24));
                if (start >= end) throw RequestValidationException.For("from", "`from` is after `to`.");
                if (end - start > MaxRange) throw RequestValidationException.For("from", $"At most {MaxRange.TotalDays} days per request.");
                var groups = await store.SumAsync(http.User.TenantId(), dimension, start, end, ct);
                return TypedResults.Ok(new AnalyticsReport(start, end, dimension, [.. groups.Select(Funnel)]));
            }).WithSummary("The tenant's delivery funnel per group, from hourly rollups");

    private static AnalyticsFunnel Funnel(AnalyticsGroup g)
    {
        long N(string status) => g.Counts.GetValueOrDefault(status);
        return new AnalyticsFunnel(g.Key, N(NotificationStatuses.Accepted), N(NotificationStatuses.Sent), N(NotificationStatuses.Delivered),
            N(NotificationStatuses.Opened), N(NotificationStatuses.Read), N(NotificationStatuses.Clicked), N(NotificationStatuses.Failed),
            N(NotificationStatuses.Suppressed));
    }

    private static DateTimeOffset? Instant(string? value, string field) => value is null ? null
        : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at
        : throw RequestValidationException.For(field, "An ISO 8601 time, such as 2026-01-31T00:00:00Z.");
}
