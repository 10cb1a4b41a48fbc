using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Npgsql;
using NotificationService.Hosting;
using NotificationService.Postgres;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Hosting;

/// <summary>The service binary's commands, run as a user would run them, against a fresh database.</summary>
[StartsFirst(6)]   // 20 s to a minute of service processes: started before the short classes
public class CliTests
{
    public static string ServiceDll => Path.Combine(AppContext.BaseDirectory, "NotificationService.dll");

    public static async Task<(int Exit, string Output)> RunAsync(string connectionString, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet", [ServiceDll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["ConnectionStrings__Postgres"] = connectionString;
        psi.Environment["Secrets__Keys__test"] = Convert.ToBase64String(new byte[32]);
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        var error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, output + error);
    }

    [Fact]
    public async Task Migrate_then_seed_twice_then_tenants_create_prints_a_usable_key()
    {
        var cs = await TestDatabase.CreateAsync("cli");
        var migrate = await RunAsync(cs, "migrate");
        Assert.True(migrate.Exit == 0, migrate.Output);

        var seed1 = await RunAsync(cs, "seed");
        var seed2 = await RunAsync(cs, "seed");
        Assert.True(seed1.Exit == 0 && seed2.Exit == 0, seed1.Output + seed2.Output);
        Assert.Matches("demo API key: nsk_", seed1.Output);
        Assert.Contains("created earlier", seed2.Output); // idempotent: the key is shown once

        var create = await RunAsync(cs, "tenants", "create", "--name", "Acme", "--json");
        Assert.True(create.Exit == 0, create.Output);
        var json = JsonNode.Parse(create.Output.Trim().Split('\n').Last())!;
        var tenantId = Guid.Parse(json["tenantId"]!.GetValue<string>());
        Assert.StartsWith("nsk_", json["apiKey"]!.GetValue<string>());

        await using var db = NpgsqlDataSource.Create(cs);
        await using var cmd = db.CreateCommand("select (select count(*) from tenants), (select count(*) from service_accounts where tenant_id = $1), (select count(*) from providers)");
        cmd.Parameters.AddWithValue(tenantId);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        // The demo tenant has a sandbox provider for every channel but in_app (built in); the new tenant has none.
        var sandboxes = (long)NotificationService.Channels.ChannelNames.All.Count(c => c != NotificationService.Channels.ChannelNames.InApp);
        Assert.Equal((2L, 1L, sandboxes), (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)));
    }

    [Fact]
    public async Task Tenants_list_shows_each_tenants_id_name_creation_and_active_keys_oldest_first_and_never_a_key()
    {
        var cs = await TestDatabase.CreateAsync("cli_list");
        var created = new List<(Guid Id, string Key)>();
        foreach (var name in new[] { "Acme Corp", "Globex" })
        {
            var create = await RunAsync(cs, "tenants", "create", "--name", name, "--json");
            Assert.True(create.Exit == 0, create.Output);
            var json = JsonNode.Parse(create.Output.Split('\n').Single(l => l.StartsWith("{\"tenantId\":")))!;   // stdout's one line
            created.Add((Guid.Parse(json["tenantId"]!.GetValue<string>()), json["apiKey"]!.GetValue<string>()));
        }

        var table = await RunAsync(cs, "tenants", "list");
        Assert.True(table.Exit == 0, table.Output);
        Assert.Matches($@"(?m)^{created[0].Id}  Acme Corp  \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d  1$", table.Output);
        Assert.Matches($@"(?m)^{created[1].Id}  Globex     \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d  1$", table.Output);
        Assert.DoesNotContain("nsk_", table.Output);   // no key, not even a key's public prefix

        var listed = await RunAsync(cs, "tenants", "list", "--json");
        Assert.True(listed.Exit == 0, listed.Output);
        var tenants = JsonNode.Parse(listed.Output.Split('\n').Single(l => l.StartsWith("[{\"id\":")))!.AsArray();
        Assert.Equal(created.Select(c => c.Id), tenants.Select(t => Guid.Parse((string)t!["id"]!)));   // oldest first
        Assert.Equal(["id", "name", "createdAt", "activeKeys"], tenants[0]!.AsObject().Select(p => p.Key));
        Assert.Equal("Acme Corp", (string?)tenants[0]!["name"]);
        Assert.Equal(1, (int)tenants[0]!["activeKeys"]!);
        Assert.True(DateTimeOffset.UtcNow - tenants[0]!["createdAt"]!.GetValue<DateTimeOffset>() < TimeSpan.FromHours(1));
        Assert.DoesNotContain(created, c => listed.Output.Contains(c.Key) || listed.Output.Contains(c.Key[..12]));
    }

    /// <summary>The binary run with no database at all (health needs none), with only the given environment for addresses.</summary>
    internal static async Task<(int Exit, string Output)> HealthAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet", [ServiceDll, "health", .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var name in new[] { "ASPNETCORE_URLS", "DOTNET_URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_HTTP_PORTS", "HTTP_PORTS" }) psi.Environment.Remove(name);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, output);
    }

    [Fact]
    public async Task Health_with_no_argument_checks_the_services_own_configured_address_and_readiness_path()
    {
        // A stand-in for a running service: ready on /health/ready, 404 anywhere else (as the real one is).
        await using var service = await LoopbackServer.StartAsync((r, ctx) =>
        {
            ctx.Response.StatusCode = r.Path == "/health/ready" ? 200 : 404;
            return Task.CompletedTask;
        });
        var ready = await HealthAsync(new Dictionary<string, string> { ["ASPNETCORE_URLS"] = service.BaseUrl.Replace("127.0.0.1", "+") });
        Assert.True(ready.Exit == 0, ready.Output);
        var byUrls = await HealthAsync(new Dictionary<string, string>(), "--urls", service.BaseUrl);   // as `serve --urls` is given
        Assert.True(byUrls.Exit == 0, byUrls.Output);
        Assert.All(service.Requests, r => Assert.Equal("/health/ready", r.Path));

        // --url takes the base URL a newcomer knows (it answered 404 before: the path was not added) or the full one.
        Assert.Equal(0, (await HealthAsync(new Dictionary<string, string>(), "--url", service.BaseUrl)).Exit);
        Assert.Equal(0, (await HealthAsync(new Dictionary<string, string>(), "--url", service.BaseUrl + "/health/ready")).Exit);

        service.Behaviour = LoopbackServer.Respond(503);   // not ready: exit 1, saying where it looked
        var notReady = await HealthAsync(new Dictionary<string, string> { ["ASPNETCORE_URLS"] = service.BaseUrl });
        Assert.Equal(1, notReady.Exit);
        Assert.Contains($"{service.BaseUrl}/health/ready answered 503", notReady.Output);
    }

    [Theory]
    [InlineData(null, null, null, "http://localhost:5000/health/ready")]                                  // ASP.NET Core's default, as `dotnet run` serves
    [InlineData("http://+:8080", null, null, "http://127.0.0.1:8080/health/ready")]                      // the image's ASPNETCORE_URLS
    [InlineData("https://localhost:5001;http://0.0.0.0:5002", null, null, "http://127.0.0.1:5002/health/ready")]
    [InlineData(null, "8081", null, "http://127.0.0.1:8081/health/ready")]                               // ASPNETCORE_HTTP_PORTS
    [InlineData("http://+:8080", null, "http://[::]:9000", "http://127.0.0.1:9000/health/ready")]        // Kestrel:Endpoints wins, as in the host
    public void The_readiness_url_follows_the_hosts_own_address_settings(string? urls, string? httpPorts, string? kestrelUrl, string expected)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = urls, ["http_ports"] = httpPorts, ["Kestrel:Endpoints:Main:Url"] = kestrelUrl,
        }).Build();
        Assert.Equal(expected, HealthCheckTarget.Resolve(config, url: null).ToString());
    }
}
