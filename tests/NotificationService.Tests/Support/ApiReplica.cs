using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

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
        var host = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Postgres", service.ConnectionString);
            b.UseSetting("Mode", "api");
            b.UseSetting("Secrets:Keys:test", Convert.ToBase64String(new byte[32]));
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in settings) b.UseSetting(key, value);
        });
        _ = host.Server;   // boot now, so the spec's first request does not pay for it
        return host;
    }
}
