using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace NotificationService.Tests.Support;

/// <summary>
/// A second, API-only host on the fixture's database: a replica for cross-replica specs, or a host whose settings
/// differ from the shared one's (a small cap, a short keep-alive) without changing it for every other spec.
/// No workers run in it, so every delivery still happens in the shared host.
/// </summary>
public static class ApiReplica
{
    public static WebApplicationFactory<Program> Start(ServiceFixture service, params (string Key, string Value)[] settings)
    {
        var host = Unstarted(service, null, settings);
        _ = host.Server;   // boot now, so the spec's first request does not pay for it
        return host;
    }

    /// <summary>The same host, not booted yet, with registrations of the spec's own: for specs about booting itself.</summary>
    public static WebApplicationFactory<Program> Unstarted(ServiceFixture service, Action<IServiceCollection>? services,
        params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Postgres", service.ConnectionString);
            foreach (var (key, value) in ServiceFixture.SpecSettings) b.UseSetting(key, value);
            b.UseSetting("Mode", "api");
            foreach (var (key, value) in settings) b.UseSetting(key, value);
            if (services is not null) b.ConfigureServices(services);
        });
}
