using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Contracts;
using NotificationService.Features.Operations.Analytics;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Operations.Analytics;

/// <summary>
/// Provider latency in `GET /api/v1/admin/analytics`: p50/p95 per provider and channel, computed from log-scale buckets
/// (four per doubling), equal the exact nearest-rank percentile of the durations rounded up to its bucket's bound, so
/// never below it and at most 19 % above; delivery reports each call; another tenant's calls never show.
/// </summary>
[Collection("service")]
public class ProviderLatencyTests(ServiceFixture service)
{
    private static double Exact(IReadOnlyList<double> sortedMs, double p) => sortedMs[(int)Math.Ceiling(p * sortedMs.Count) - 1];

    private async Task FlushAsync()
    {
        await service.Factory.Services.GetRequiredService<LatencyFlusher>().FlushAsync(default);
    }

    private async Task<JsonArray> LatencyAsync(TestTenant tenant) =>
        (await (await tenant.Http.GetAsync("/api/v1/admin/analytics?groupBy=provider")).JsonAsync())["latency"]!.AsArray();

    [Fact]
    public async Task Percentiles_per_provider_and_channel_equal_the_exact_ones_of_the_seeded_durations_to_the_bucket()
    {
        var tenant = await service.NewTenantAsync();
        var other = await service.NewTenantAsync();
        var observer = service.Factory.Services.GetRequiredService<IProviderCallObserver>();
        var random = new Random(72);
        var twilio = Enumerable.Range(0, 200).Select(_ => Math.Round(20 + random.NextDouble() * random.NextDouble() * 900, 3)).ToList();
        var sendgrid = Enumerable.Range(0, 37).Select(i => 40.0 + i * 7.5).ToList();
        foreach (var ms in twilio) observer.Called(tenant.Id, "sms", "twilio", TimeSpan.FromMilliseconds(ms));
        foreach (var ms in sendgrid) observer.Called(tenant.Id, "email", "sendgrid", TimeSpan.FromMilliseconds(ms));
        observer.Called(other.Id, "sms", "twilio", TimeSpan.FromSeconds(30));
        await FlushAsync();

        var latency = await LatencyAsync(tenant);
        Assert.Equal(2, latency.Count);   // the other tenant's slow call is not among them
        foreach (var (provider, channel, durations) in new[] { ("twilio", "sms", twilio), ("sendgrid", "email", sendgrid) })
        {
            var row = latency.Single(l => l!["provider"]!.GetValue<string>() == provider)!;
            var sorted = durations.Order().ToList();
            Assert.Equal(channel, row["channel"]!.GetValue<string>());
            Assert.Equal(durations.Count, row["calls"]!.GetValue<long>());
            foreach (var (p, field) in new[] { (0.50, "p50Ms"), (0.95, "p95Ms") })
            {
                var exact = Exact(sorted, p);
                var reported = row[field]!.GetValue<double>();
                Assert.Equal(LatencyBuckets.UpperMs(LatencyBuckets.Of(TimeSpan.FromMilliseconds(exact))), reported);
                Assert.InRange(reported / exact, 1.0 - 0.001, 1.19);
            }
        }
        Assert.Equal(30_000 * 1.0, LatencyBuckets.UpperMs(LatencyBuckets.Of(TimeSpan.FromSeconds(30))), 0.19 * 30_000);
        Assert.Equal(1, (await LatencyAsync(other)).Single()!["calls"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_delivered_send_counts_one_call_of_its_provider()
    {
        var tenant = await service.NewTenantAsync();
        await service.Ledger.WaitForAsync(await tenant.Http.SendOkAsync(Api.Email("lat@example.com")), "sent");
        await FlushAsync();

        var row = (await LatencyAsync(tenant)).Single()!;
        Assert.Equal(("sandbox", "email", 1L), (row["provider"]!.GetValue<string>(), row["channel"]!.GetValue<string>(), row["calls"]!.GetValue<long>()));
        Assert.True(row["p95Ms"]!.GetValue<double>() >= row["p50Ms"]!.GetValue<double>());
    }
}
