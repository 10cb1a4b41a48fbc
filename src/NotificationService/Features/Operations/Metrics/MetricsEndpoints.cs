using NotificationService.Infrastructure;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Prometheus;

namespace NotificationService.Features.Operations.Metrics;

/// <summary>`Metrics:*`: where /metrics answers and who may read it.</summary>
public sealed class MetricsOptions
{
    /// <summary>Serve /metrics on this port only (its own listener, not the API's). 0: on the API's port.</summary>
    public int Port { get; set; }
    /// <summary>When set, scrapes must send `Authorization: Bearer &lt;token&gt;`.</summary>
    public string? BearerToken { get; set; }
}

/// <summary>
/// `/metrics` through prometheus-net: this host's own registry (never the library's static default one, so in-process
/// test hosts do not mix), served by <c>MapMetrics</c>, which negotiates Prometheus text or OpenMetrics (with the
/// histograms' trace exemplars) from the scraper's Accept header. The families (<see cref="MetricFamilies"/>) come from
/// System.Diagnostics.Metrics instruments through the <see cref="MeterBridge"/>; figures read at scrape time come from
/// <see cref="IMetricsSource"/>s (which says how to add a gauge); prometheus-net's process metrics (`process_*`,
/// `dotnet_collection_count_total`, `dotnet_total_memory_bytes`) sit beside them, no name shared. Either on the API's
/// port, optionally behind a bearer token, or on a port of its own (<see cref="MetricsPortServer"/>), which a
/// NetworkPolicy or the pod's port list can keep internal.
/// </summary>
public static class MetricsEndpoints
{
    public const string Path = "/metrics";

    public static IServiceCollection AddPrometheusMetrics(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<MetricsOptions>().Bind(config.GetSection("Metrics"));
        services.AddMetrics();                 // IMeterFactory (ASP.NET Core's own meters use it too)
        services.AddSingleton<ServiceMeter>();
        services.AddSingleton(_ =>
        {
            var registry = Prometheus.Metrics.NewCustomRegistry();
            DotNetStats.Register(registry);
            return registry;
        });
        services.AddSingleton<IMetricFactory>(sp => Prometheus.Metrics.WithCustomRegistry(sp.GetRequiredService<CollectorRegistry>()));
        services.AddSingleton<MeterBridge>();
        services.AddSingleton<ScrapePreparation>();
        services.AddMetricsSource<OperationalGauges>();
        services.AddSingleton<DatabasePoolGauges>();
        services.AddSingleton<Sending.Notifications.INotificationObserver, NotificationMetricsObserver>(); // accepted, after commit
        if (config.GetValue<int>("Metrics:Port") > 0) services.AddHostedService<MetricsPortServer>();
        return services;
    }

    public static void MapPrometheusMetrics(this WebApplication app)
    {
        // Build the listener and declare every family now, so HTTP requests are measured from the first one.
        app.Services.GetRequiredService<ScrapePreparation>();
        app.Services.GetRequiredService<DatabasePoolGauges>();
        if (app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Port > 0) return;
        app.MapScrape(app.Services);
    }

    /// <summary>GET /metrics from this host's registry (also on the dedicated port's listener).</summary>
    public static IEndpointConventionBuilder MapScrape(this IEndpointRouteBuilder endpoints, IServiceProvider services)
    {
        var registry = services.GetRequiredService<CollectorRegistry>();
        var token = services.GetRequiredService<IOptions<MetricsOptions>>().Value.BearerToken;
        return endpoints.MapMetrics(settings => settings.Registry = registry, Path)
            .WithMetadata(new HttpMethodMetadata(["GET"])).ExcludeFromDescription().RequireScrapeToken(token);
    }

    /// <summary>With a token set, a scrape without it is answered 401 before prometheus-net collects anything.</summary>
    private static IEndpointConventionBuilder RequireScrapeToken(this IEndpointConventionBuilder endpoint, string? token)
    {
        if (string.IsNullOrEmpty(token)) return endpoint;
        endpoint.Add(e =>
        {
            var scrape = e.RequestDelegate!;
            e.RequestDelegate = http =>
            {
                if (TokenMatches(http.Request.Headers.Authorization.ToString(), token)) return scrape(http);
                http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return Task.CompletedTask;
            };
        });
        return endpoint;
    }

    private static bool TokenMatches(string header, string token)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()),
            Encoding.UTF8.GetBytes(token));
    }
}
