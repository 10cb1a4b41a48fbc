using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using NotificationService.Postgres;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Hosting;

/// <summary>
/// The quick start after a restart: the first start printed the demo key, a restart prints only its prefix (the database
/// keeps the key's hash), and the restart's line names the command that gives the user a new key, which then sends.
/// The command never prints a key for a configured database, nor while `Seed:DemoApiKey` fixes the key.
/// </summary>
[StartsFirst(6)]   // three service processes on a cluster of their own: started before the short classes
public partial class DemoKeyTests
{
    [Fact]
    public async Task After_a_restart_the_command_the_log_names_gives_a_demo_key_that_sends_and_the_lost_key_is_revoked()
    {
        var dataDir = Directory.CreateTempSubdirectory("ns-demo-key-").FullName;
        var environment = new Dictionary<string, string> { ["Postgres__DataDirectory"] = dataDir };
        try
        {
            string firstKey;
            await using (var first = ServiceProcess.Start(environment, "serve"))
            {
                await first.WaitReadyAsync(TimeSpan.FromSeconds(120));
                firstKey = Assert.Single(first.Stdout, l => l.StartsWith("demo API key: nsk_"))["demo API key: ".Length..];
                Assert.Equal(0, await first.StopAsync(TimeSpan.FromSeconds(60)));
            }

            await using var restarted = ServiceProcess.Start(environment, "serve");
            await restarted.WaitReadyAsync(TimeSpan.FromSeconds(120));
            var line = Assert.Single(restarted.Stdout, l => l.StartsWith("demo API key:"));
            Assert.DoesNotContain(firstKey, line);
            var command = Command().Match(line);
            Assert.True(command.Success, $"the restart's line names no command for a new key: {line}");

            await using var issue = ServiceProcess.Start(environment, command.Groups["verb"].Value);
            Assert.Equal(0, await issue.WaitExitAsync(TimeSpan.FromSeconds(120)));
            var newKey = Assert.Single(issue.Stdout, l => l.StartsWith("demo API key: nsk_"))["demo API key: ".Length..];

            using var http = new HttpClient { BaseAddress = new Uri(restarted.BaseUrl) };
            Assert.Equal(HttpStatusCode.Accepted, await SendAsync(http, newKey));
            Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(http, firstKey));   // the lost key works no more
            Assert.Equal(0, await restarted.StopAsync(TimeSpan.FromSeconds(60)));
        }
        finally { Directory.Delete(dataDir, recursive: true); }
    }

    [Fact]
    public async Task The_command_refuses_a_configured_database_and_a_fixed_demo_key_before_it_touches_anything()
    {
        var cs = await TestDatabase.CreateAsync("demo_key");
        var configuredDatabase = new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = cs };
        await using (var configured = ServiceProcess.Start(configuredDatabase, "demo-key"))
        {
            Assert.Equal(1, await configured.WaitExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Empty(configured.Stdout);
            Assert.Contains(configured.Stderr, l => l.Contains("ConnectionStrings__Postgres") && l.Contains("tenants create"));
        }
        await using var db = NpgsqlDataSource.Create(cs);
        await using var tables = db.CreateCommand("select count(*) from pg_tables where schemaname = 'public'");
        Assert.Equal(0L, (long)(await tables.ExecuteScalarAsync())!);   // refused before it migrated anything

        await using var fixedKey = ServiceProcess.Start(new Dictionary<string, string>
        {
            ["Postgres__DataDirectory"] = "/nonexistent/never-started",
            ["Seed__DemoApiKey"] = "nsk_fixedkey_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        }, "demo-key");
        Assert.Equal(1, await fixedKey.WaitExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Empty(fixedKey.Stdout);
        Assert.Contains(fixedKey.Stderr, l => l.Contains("Seed__DemoApiKey"));
        Assert.DoesNotContain(fixedKey.Stderr, l => l.Contains("AAAAAAAAAA"));
    }

    [Fact]
    public async Task A_configured_demo_key_is_named_by_its_prefix_and_never_printed()
    {
        const string key = "nsk_fixdemo1_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = await TestDatabase.CreateAsync("demo_key_fixed"), ["Seed__DemoApiKey"] = key,
        };
        for (var start = 0; start < 2; start++)   // the start that creates the account and one that finds it
        {
            await using var seed = ServiceProcess.Start(environment, "seed");
            Assert.Equal(0, await seed.WaitExitAsync(TimeSpan.FromSeconds(120)));
            var line = Assert.Single(seed.Stdout, l => l.StartsWith("demo API key:"));
            Assert.Contains("Seed__DemoApiKey", line);
            Assert.Contains("fixdemo1", line);
            Assert.DoesNotContain(seed.Stdout.Concat(seed.Stderr), l => l.Contains("BBBBBBBBBB"));
        }
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/services/notifications/send")
        {
            Content = new StringContent("""
                {"channel":"email","recipient":{"email":"ada@example.com"},"template":"welcome",
                 "data":{"appName":"Acme","user":{"firstName":"Ada"}}}
                """, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>`… -- demo-key` or `dotnet NotificationService.dll demo-key` in backquotes: the verb the user runs.</summary>
    [GeneratedRegex(@"`[^`]*\b(?<verb>demo-key)`")]
    private static partial Regex Command();
}
