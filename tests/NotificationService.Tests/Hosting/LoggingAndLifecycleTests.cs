using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Features.Operations.Seed;
using NotificationService.Postgres;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Hosting;

/// <summary>The binary as an operator runs it: its log lines, its exit codes, and the embedded cluster it owns.</summary>
[StartsFirst(6)]   // 20 s to a minute of service processes: started before the short classes
public class LoggingAndLifecycleTests
{
    private const string DemoKey = "nsk_logtest1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    private const string WrongKey = "nsk_wrongkey_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

    private static string TempDataDirectory() => Directory.CreateTempSubdirectory("ns-embedded-").FullName;

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        try
        {
            await using var conn = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false;Timeout=3");
            await conn.OpenAsync();
            return true;
        }
        catch (NpgsqlException) { return false; }
    }

    [Fact]
    public async Task Serve_logs_JSON_with_trace_and_tenant_ids_one_line_per_rejected_key_no_keys_and_stops_its_embedded_cluster()
    {
        var dataDir = TempDataDirectory();
        await using var service = ServiceProcess.Start(new Dictionary<string, string>
        {
            ["Postgres__DataDirectory"] = dataDir,
            ["Seed__DemoApiKey"] = DemoKey,
            ["Logging__Console__FormatterName"] = "json",
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information", // even with the framework's request lines on
        }, "serve");
        await service.WaitReadyAsync(TimeSpan.FromSeconds(120));

        using var http = new HttpClient { BaseAddress = new Uri(service.BaseUrl) };
        var notificationId = Guid.NewGuid();
        var url = $"/api/v1/services/notifications/{notificationId}";
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", WrongKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(url)).StatusCode);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DemoKey);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(url)).StatusCode);
        Assert.Equal(0, (await RunAsync([], "health", "--url", service.BaseUrl + "/health/ready")).Exit); // the compose healthcheck
        Assert.Equal(0, await service.StopAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(1, (await RunAsync([], "health", "--url", service.BaseUrl + "/health/ready")).Exit);

        var lines = service.Stdout.ToList();
        var entries = lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList(); // every line, start-up included, is JSON
        Assert.Empty(service.Stderr);
        Assert.DoesNotContain(lines, l => l.Contains(DemoKey[13..]) || l.Contains(WrongKey[13..]));

        var rejected = Assert.Single(entries, e => e["Message"]!.GetValue<string>().Contains("API key rejected"));
        Assert.Contains("nsk_wrongkey", rejected.ToJsonString());
        Assert.Contains("\"TraceId\"", rejected.ToJsonString());
        Assert.DoesNotContain(entries, e => e["Category"]!.GetValue<string>().StartsWith("Microsoft.AspNetCore.Authorization")
                                            || e["Category"]!.GetValue<string>().EndsWith("ApiKeyAuthenticationHandler"));

        // The framework's lines inside the authenticated request carry its trace and the tenant and notification ids.
        var inRequest = entries.Where(e => e["Category"]!.GetValue<string>() == "Microsoft.AspNetCore.Routing.EndpointMiddleware").ToList();
        Assert.Contains(inRequest, e => e.ToJsonString() is var j && j.Contains("\"TraceId\"") && j.Contains("\"SpanId\"")
            && j.Contains($"\"TenantId\":\"{DemoSeeder.DemoTenantId}\"") && j.Contains($"\"NotificationId\":\"{notificationId}\""));

        // The embedded cluster was announced as a structured line, and it is stopped now that the service has.
        var announced = Assert.Single(entries, e => e["Message"]!.GetValue<string>().Contains("embedded PostgreSQL"));
        var port = int.Parse(announced["State"]!["Port"]!.ToString());
        Assert.False(await AcceptsConnectionsAsync(port), "the embedded PostgreSQL still accepts connections after the service stopped");
        Assert.False(File.Exists(Path.Combine(dataDir, "pgdata", "postmaster.pid")));
    }

    [Fact]
    public async Task Tenants_create_json_prints_only_JSON_and_leaves_a_cluster_that_was_already_running_running()
    {
        var dataDir = TempDataDirectory();
        await using var cluster = await EmbeddedPostgres.StartAsync(dataDir, stopOnDispose: true);
        var (exit, stdout, stderr) = await RunAsync(new() { ["Postgres__DataDirectory"] = dataDir }, "tenants", "create", "--name", "Acme", "--json");
        Assert.True(exit == 0, stdout + stderr);
        var json = JsonNode.Parse(Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)))!; // nothing else on stdout
        Assert.StartsWith("nsk_", json["apiKey"]!.GetValue<string>());
        Assert.Contains("embedded PostgreSQL", stderr);
        Assert.True(await AcceptsConnectionsAsync(cluster.Port), "the command stopped a cluster it did not start");
    }

    [Fact]
    public async Task A_command_on_the_embedded_default_stops_the_cluster_it_started()
    {
        var dataDir = TempDataDirectory();
        var (exit, stdout, stderr) = await RunAsync(new() { ["Postgres__DataDirectory"] = dataDir }, "migrate");
        Assert.True(exit == 0, stdout + stderr);
        Assert.False(File.Exists(Path.Combine(dataDir, "pgdata", "postmaster.pid")), "postmaster.pid left: the cluster is still running");
    }

    [Fact]
    public async Task An_invalid_demo_key_is_one_error_line_and_a_non_zero_exit()
    {
        var (exit, stdout, stderr) = await RunAsync(new() { ["Seed__DemoApiKey"] = "not-a-key", ["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Port=1" }, "serve");
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: Seed:DemoApiKey", line);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(Dictionary<string, string> environment, params string[] args)
    {
        await using var process = ServiceProcess.Start(environment, args);
        var exit = await process.WaitExitAsync(TimeSpan.FromSeconds(120));
        return (exit, string.Join('\n', process.Stdout), string.Join('\n', process.Stderr));
    }
}
