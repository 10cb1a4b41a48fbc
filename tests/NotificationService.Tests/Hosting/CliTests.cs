using System.Diagnostics;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Postgres;

namespace NotificationService.Tests.Hosting;

/// <summary>The service binary's commands, run as a user would run them, against a fresh database.</summary>
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
        Assert.Equal((2L, 1L, 4L), (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)));
    }
}
