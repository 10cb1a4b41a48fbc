using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace NotificationService.Features.Operations.Metrics;

/// <summary>
/// With `Metrics:Port` set, /metrics is served by a small Kestrel listener of its own on that port (all interfaces)
/// and not on the API's: scrapes stay off the public port, and the API's middleware (auth, errors) is not involved.
/// It serves the service's own registry, so it exports the same figures.
/// </summary>
public sealed class MetricsPortServer(IServiceProvider services, IOptions<MetricsOptions> options, ILogger<MetricsPortServer> log)
    : IHostedService
{
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenAnyIP(options.Value.Port, l => l.Protocols = HttpProtocols.Http1));
        _app = builder.Build();
        _app.MapScrape(services); // the service's own registry
        await _app.StartAsync(ct);
        log.LogInformation("metrics listening on port {MetricsPort}", options.Value.Port);
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
