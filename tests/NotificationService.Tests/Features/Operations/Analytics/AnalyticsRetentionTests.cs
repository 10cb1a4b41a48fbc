using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Operations.Retention;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Operations.Analytics;

/// <summary>Rollup rows (funnel, latency, digests and throttles) older than the horizon (400 days) are purged by the retention pass; newer ones, and other tenants', stay.</summary>
[Collection("service")]
public class AnalyticsRetentionTests(ServiceFixture service)
{
    private async Task SeedAsync(Guid tenantId, DateTimeOffset hour, long count) => await service.ScalarAsync<object>("""
        with funnel as (insert into analytics_hourly (tenant_id, hour, channel, template, workflow, category, provider, status, reason, count)
            values ($1, $2, 'email', '', '', '', '', 'accepted', '', $3)),
        latency as (insert into analytics_latency_hourly (tenant_id, hour, channel, provider, bucket, count) values ($1, $2, 'email', 'sandbox', 20, $3))
        insert into analytics_step_windows_hourly (tenant_id, hour, workflow, step_id, measure, count) values ($1, $2, 'comments', 'batch', 'absorbed', $3)
        """, tenantId, hour, count);

    private async Task<(long Funnel, long Latency, long StepWindows)> CountAsync(Guid tenantId) => (
        await service.ScalarAsync<long>("select coalesce(sum(count), 0)::int8 from analytics_hourly where tenant_id = $1", tenantId),
        await service.ScalarAsync<long>("select coalesce(sum(count), 0)::int8 from analytics_latency_hourly where tenant_id = $1", tenantId),
        await service.ScalarAsync<long>("select coalesce(sum(count), 0)::int8 from analytics_step_windows_hourly where tenant_id = $1", tenantId));

    [Fact]
    public async Task A_pass_removes_rollup_hours_past_the_horizon_and_keeps_the_rest_and_other_tenants_rows()
    {
        var now = DateTimeOffset.UtcNow;
        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var old = await service.NewTenantAsync();
        var other = await service.NewTenantAsync();
        await SeedAsync(old.Id, hour.AddDays(-401), 7);     // past the horizon: goes
        await SeedAsync(old.Id, hour.AddDays(-10), 3);      // inside it: stays
        await SeedAsync(other.Id, hour.AddDays(-399), 5);   // another tenant's, inside it: stays

        await service.Factory.Services.GetRequiredService<RetentionRunner>().PurgeKindAsync("AnalyticsRollups", now, default);

        Assert.Equal((3L, 3L, 3L), await CountAsync(old.Id));
        Assert.Equal((5L, 5L, 5L), await CountAsync(other.Id));
    }
}
