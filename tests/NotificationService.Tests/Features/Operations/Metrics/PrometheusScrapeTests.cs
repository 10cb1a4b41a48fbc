using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Operations.Metrics;

/// <summary>A service of its own whose /metrics is on a port of its own, behind a bearer token; its counters start at zero.</summary>
public sealed class MetricsPortFixture : ServiceFixture
{
    public const string Token = "scrape-token-for-tests";
    public int MetricsPort { get; } = PrometheusTools.FreePort();

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Metrics:Port", MetricsPort.ToString());
        builder.UseSetting("Metrics:BearerToken", Token);
    }
}

public class PrometheusScrapeTests(MetricsPortFixture service) : IClassFixture<MetricsPortFixture>
{
    private static readonly object InApp = new { channel = "in_app", recipient = new { userId = "u-metrics" }, content = new { subject = "Hi", body = "Hello" } };

    [PrometheusFact]
    public async Task A_real_Prometheus_scrapes_the_service_and_PromQL_counts_the_notifications_the_test_sent()
    {
        var tenant = await service.NewTenantAsync(sandboxSettingsJson: null);
        await using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{service.MetricsPort}", MetricsPortFixture.Token);
        await prometheus.WaitForAsync("up{job=\"notification-service\"}", 1, TimeSpan.FromSeconds(30));

        for (var i = 0; i < 7; i++) await tenant.Http.SendOkAsync(InApp);

        await prometheus.WaitForAsync("sum(notifications_accepted_total{job=\"notification-service\",channel=\"in_app\"})", 7, TimeSpan.FromSeconds(30));
        // Prometheus asked for OpenMetrics first, and parsed what it got.
        Assert.True(await prometheus.QueryAsync("scrape_samples_scraped{job=\"notification-service\"}") > 0);
    }

    [Fact]
    public async Task The_metrics_port_wants_the_token_and_the_API_port_serves_no_metrics()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{service.MetricsPort}") };
        var anonymous = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/metrics")).StatusCode);

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MetricsPortFixture.Token);
        var scrape = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Contains("# TYPE notifications_accepted_total counter", await scrape.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.NotFound, (await service.Factory.CreateClient().GetAsync("/metrics")).StatusCode);
    }
}
