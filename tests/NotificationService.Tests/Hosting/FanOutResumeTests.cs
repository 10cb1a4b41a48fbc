using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Postgres;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Hosting;

/// <summary>
/// A fan-out to a 200,000-member topic whose process is SIGKILLed mid-way is finished by another replica: exactly
/// 200,000 notifications, one per member, none twice. The chunks committed before the kill stay committed (their rows
/// are gone), the ones in flight rolled back with their notifications (their rows are still there), so the second
/// replica creates exactly the rest; the unique index on (tenant, fan-out, userId, channel) would refuse a duplicate.
/// </summary>
[StartsFirst(6)]   // 20 s to a minute of service processes: started before the short classes
public class FanOutResumeTests
{
    private const int Members = 200_000;

    [Fact]
    public async Task A_killed_replica_leaves_the_fan_out_to_another_that_creates_exactly_one_notification_per_member()
    {
        var cs = await TestDatabase.CreateAsync("fanoutresume");
        Assert.Equal(0, (await CliTests.RunAsync(cs, "migrate")).Exit);
        await using var db = NpgsqlDataSource.Create(cs);
        var port = FreePort();
        using var first = Start(cs, "all", port);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceFixture.DemoApiKey);
        await WaitReadyAsync(http);
        Assert.True((await http.PutAsJsonAsync("/api/v1/services/topics/everyone", new { name = "Everyone" })).IsSuccessStatusCode);
        // 200,000 members through the API would be 20 calls of 10,000; written directly it is one statement.
        await using (var fill = db.CreateCommand("""
            with m as (insert into topic_members (tenant_id, topic_key, user_id)
                       select $1, 'everyone', 'member-' || lpad(g::text, 6, '0') from generate_series(1, $2) g returning 1)
            update topics set member_count = (select count(*) from m) where tenant_id = $1 and key = 'everyone'
            """))
        {
            fill.Parameters.AddWithValue(NotificationService.Features.Operations.Seed.DemoSeeder.DemoTenantId);
            fill.Parameters.AddWithValue(Members);
            await fill.ExecuteNonQueryAsync();
        }

        var send = await http.PostAsJsonAsync("/api/v1/services/notifications/send",
            new { channel = "in_app", recipient = new { topics = new[] { "everyone" } }, content = new { body = "Hello, everyone" } });
        Assert.Equal(HttpStatusCode.Accepted, send.StatusCode);
        var id = Guid.Parse((await send.Content.ReadFromJsonAsync<JsonNode>())!["id"]!.GetValue<string>());

        await DbPolling.WaitUntilAsync(db, $"select members_done from fan_outs where id = '{id}'", n => n > 0, TimeSpan.FromSeconds(120));
        first.Kill(entireProcessTree: true);
        await first.WaitForExitAsync();
        var atKill = await DbPolling.ScalarAsync(db, $"select members_done from fan_outs where id = '{id}'");
        Assert.True(atKill < Members, $"the kill should land mid-way ({atKill} members done)");
        // One snapshot: a chunk's counters and its notifications commit together, so they agree whatever was in flight.
        Assert.Equal(0, await DbPolling.ScalarAsync(db,
            $"select (select members_done from fan_outs where id = '{id}') - (select count(*) from notifications where batch_id = '{id}')"));

        using var second = Start(cs, "worker", FreePort());
        try
        {
            await DbPolling.WaitUntilAsync(db, $"select count(*) from fan_outs where id = '{id}' and status = 'completed'", n => n == 1, TimeSpan.FromSeconds(600));
        }
        finally { second.Kill(entireProcessTree: true); }

        Assert.Equal(Members, await DbPolling.ScalarAsync(db, $"select count(*) from notifications where batch_id = '{id}'"));
        Assert.Equal(Members, await DbPolling.ScalarAsync(db, $"select count(distinct recipient->>'userId') from notifications where batch_id = '{id}'"));
        Assert.Equal(Members, await DbPolling.ScalarAsync(db, $"select notifications_created from fan_outs where id = '{id}'"));
        Assert.Equal(0, await DbPolling.ScalarAsync(db, $"select count(*) from fan_out_chunks where fan_out_id = '{id}'"));
    }

    private static Process Start(string cs, string mode, int port)
    {
        var psi = new ProcessStartInfo("dotnet", [CliTests.ServiceDll, "serve", "--urls", $"http://127.0.0.1:{port}"]);
        psi.Environment["ConnectionStrings__Postgres"] = cs;
        psi.Environment["Mode"] = mode;
        psi.Environment["Seed__OnStart"] = "true";
        psi.Environment["Seed__DemoApiKey"] = ServiceFixture.DemoApiKey;
        psi.Environment["Topics__FanOutChunkMembers"] = "500";   // many checkpoints, so the kill lands between two
        psi.Environment["Queue__Queues__0"] = "fanout";          // deliveries are not what this test is about
        psi.Environment["Queue__LeaseSeconds"] = "3";
        psi.Environment["Queue__RescueIntervalSeconds"] = "1";
        psi.Environment["Secrets__Keys__test"] = Convert.ToBase64String(new byte[32]);
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        return Process.Start(psi)!;
    }

    private static Task WaitReadyAsync(HttpClient http) => Eventually.Async(async () =>
    {
        try { return (await http.GetAsync("/health/ready")).IsSuccessStatusCode; }
        catch (HttpRequestException) { return false; }
    }, "the service to be ready", TimeSpan.FromSeconds(60));

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
