using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NotificationService.Features.Operations.Analytics;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Operations.Analytics;

/// <summary>
/// An accept is counted under its notification's provider, which the worker records only with the first attempt's outcome:
/// a flush between the two keeps the accept for a later one rather than filing it under no provider. A notification that
/// will never have a provider (in_app, cancelled) is filed at once; nothing waits past a minute or the last flush.
/// </summary>
[Collection("service")]
public class AcceptsByProviderTests(ServiceFixture service)
{
    private AnalyticsFlusher Flusher => service.Factory.Services.GetRequiredService<AnalyticsFlusher>();

    /// <summary>Scheduled an hour ahead: accepted and queued, its provider not picked, until the spec makes it due.</summary>
    private static object Later(string channel)
    {
        object recipient = channel == "in_app" ? new { userId = "ada" } : new { email = "a@example.com" };
        return new { channel, recipient, content = new { subject = "Hi", body = "x" }, sendAt = DateTimeOffset.UtcNow.AddHours(1) };
    }

    /// <summary>The tenant's accepts in the rollup per channel and provider (of one hour, if given).</summary>
    private async Task<List<(string Channel, string Provider, long Count)>> AcceptedAsync(Guid tenantId, DateTimeOffset? hour = null)
    {
        await using var cmd = service.Db.CreateCommand("""
            select channel, provider, sum(count)::int8 from analytics_hourly
            where tenant_id = $1 and status = 'accepted' and ($2::timestamptz is null or hour = $2)
            group by 1, 2 order by 1, 2
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(hour is { } h ? h : DBNull.Value);
        var rows = new List<(string, string, long)>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows.Add((r.GetString(0), r.GetString(1), r.GetInt64(2)));
        return rows;
    }

    [Fact]
    public async Task An_accept_flushed_before_the_worker_picked_its_provider_is_counted_under_that_provider()
    {
        var tenant = await service.NewTenantAsync();
        var id = await tenant.Http.SendOkAsync(Later("email"));
        await Flusher.FlushAsync(default);
        Assert.Empty(await AcceptedAsync(tenant.Id));   // it waits for its provider

        await service.DueNowAsync(tenant.Id);
        await service.Ledger.WaitForAsync(id, "sent");
        await Flusher.FlushAsync(default);
        Assert.Equal([("email", "sandbox", 1L)], await AcceptedAsync(tenant.Id));
    }

    [Fact]
    public async Task An_accept_whose_notification_will_have_no_provider_is_counted_at_the_next_flush()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.SendOkAsync(Later("in_app"));
        var email = await tenant.Http.SendOkAsync(Later("email"));
        await Flusher.FlushAsync(default);
        Assert.Equal([("in_app", "", 1L)], await AcceptedAsync(tenant.Id));   // the inbox is no provider: nothing to wait for

        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.PostAsync($"/api/v1/services/notifications/{email}/cancel", null)).StatusCode);
        await Flusher.FlushAsync(default);
        Assert.Equal([("email", "", 1L), ("in_app", "", 1L)], await AcceptedAsync(tenant.Id));
    }

    private sealed class Ahead(TimeSpan by) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + by;
    }

    [Fact]
    public async Task An_accept_waits_for_its_provider_a_minute_at_most_and_not_past_the_last_flush()
    {
        var tenant = await service.NewTenantAsync();
        var id = await tenant.Http.SendOkAsync(Later("email"));   // its provider is not picked while this runs
        // A counter and flushers of the spec's own, in an hour of their own: the service's counter has this accept too,
        // in the current hour, and its flusher keeps it a minute.
        var hour = AnalyticsCounter.Hour(DateTimeOffset.UtcNow.AddHours(-3));
        var accept = new Dictionary<AnalyticsEvent, long> { [new(tenant.Id, id, hour, "accepted", "")] = 1 };
        var counter = new AnalyticsCounter(TimeProvider.System);
        var services = service.Factory.Services;
        AnalyticsFlusher Own(TimeProvider clock) => new(counter, services.GetRequiredService<AnalyticsStore>(), clock,
            services.GetRequiredService<IConfiguration>(), NullLogger<AnalyticsFlusher>.Instance);

        counter.Restore(accept);
        await Own(TimeProvider.System).FlushAsync(default);
        Assert.Empty(await AcceptedAsync(tenant.Id, hour));
        Assert.Equal(accept.ToList(), counter.Drain().ToList());   // kept for the next flush

        counter.Restore(accept);
        await Own(new Ahead(AnalyticsFlusher.ProviderWait + TimeSpan.FromSeconds(1))).FlushAsync(default);
        Assert.Equal([("email", "", 1L)], await AcceptedAsync(tenant.Id, hour));
        Assert.Empty(counter.Drain());

        counter.Restore(accept);
        await Own(TimeProvider.System).StopAsync(default);   // the last flush: what waited would go with the process
        Assert.Equal([("email", "", 2L)], await AcceptedAsync(tenant.Id, hour));
        Assert.Empty(counter.Drain());
    }
}
