using NotificationService.Infrastructure;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

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
/// `/metrics`: the Prometheus text exposition (OpenMetrics on request) of the service's instruments and ASP.NET Core's
/// request duration. Either on the API's port, optionally behind a bearer token, or on a port of its own
/// (<see cref="MetricsPortServer"/>), which a NetworkPolicy or the pod's port list can keep internal.
/// </summary>
public static class MetricsEndpoints
{
    public const string Path = "/metrics";

    public static IServiceCollection AddPrometheusMetrics(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<MetricsOptions>().Bind(config.GetSection("Metrics"));
        services.AddMetrics();                 // IMeterFactory (ASP.NET Core's own meters use it too)
        services.AddSingleton<ServiceMeter>();
        services.AddSingleton<MetricsCollector>();
        services.AddSingleton<OperationalGauges>();
        services.AddSingleton<DatabasePoolGauges>();
        services.AddSingleton<Sending.Notifications.INotificationObserver, NotificationMetricsObserver>(); // accepted, after commit
        if (config.GetValue<int>("Metrics:Port") > 0) services.AddHostedService<MetricsPortServer>();
        return services;
    }

    public static void MapPrometheusMetrics(this WebApplication app)
    {
        // Build the listener now, so HTTP requests are measured from the first one.
        app.Services.GetRequiredService<MetricsCollector>();
        app.Services.GetRequiredService<OperationalGauges>();
        app.Services.GetRequiredService<DatabasePoolGauges>();
        if (app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Port > 0) return;
        app.MapGet(Path, (HttpContext http) => ScrapeAsync(http)).ExcludeFromDescription();
    }

    /// <summary>Answers one scrape (also used by the dedicated port's listener).</summary>
    public static async Task ScrapeAsync(HttpContext http)
    {
        var sp = http.RequestServices;
        var options = sp.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!string.IsNullOrEmpty(options.BearerToken) && !TokenMatches(http.Request.Headers.Authorization.ToString(), options.BearerToken))
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return;
        }
        try
        {
            await sp.GetRequiredService<OperationalGauges>().RefreshAsync(http.RequestAborted);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            // The database is down: still answer with everything else; the queue gauges keep their last figures.
        }
        var openMetrics = PrometheusText.WantsOpenMetrics(http.Request.Headers.Accept.ToString());
        var body = PrometheusText.Write(sp.GetRequiredService<MetricsCollector>().Collect(), openMetrics);
        http.Response.ContentType = openMetrics ? PrometheusText.OpenMetricsContentType : PrometheusText.TextContentType;
        await http.Response.WriteAsync(body, http.RequestAborted);
    }

    private static bool TokenMatches(string header, string token)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()), Encoding.UTF8.GetBytes(token));
    }
}
