using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Features.Operations.Seed;
using NotificationService.Postgres;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Hosting;

/// <summary>
/// An erase whose process is SIGKILLed mid-way (20,000 notifications of the user, 100 of them still queued, erased in
/// batches of 100) is resumed by another replica from its checkpoint and finishes: no notification of the user keeps
/// them, every row is still there, each is counted once, and each queued one was cancelled once.
/// </summary>
[StartsFirst(6)]   // 20 s to a minute of service processes: started before the short classes
public class EraseResumeTests
{
    private const int Sent = 20_000, Queued = 100;
    private const string UserId = "resume-me";

    [Fact]
    public async Task A_killed_erase_is_resumed_by_another_replica_and_finishes_counting_every_notification_once()
    {
        var cs = await TestDatabase.CreateAsync("eraseresume");
        Assert.Equal(0, (await CliTests.RunAsync(cs, "migrate")).Exit);
        await using var db = NpgsqlDataSource.Create(cs);
        var port = FreePort();
        using var first = Start(cs, "all", port);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceFixture.DemoApiKey);
        await WaitReadyAsync(http);
        await SeedAsync(db, DemoSeeder.DemoTenantId);

        var response = await http.DeleteAsync($"/api/v1/services/users/{UserId}");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var jobId = Guid.Parse(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["jobId"]!.GetValue<string>());
        var erased = $"select coalesce((counts->>'notifications')::bigint, 0) from erase_jobs where id = '{jobId}'";

        await DbPolling.WaitUntilAsync(db, erased, n => n >= 2_000, TimeSpan.FromSeconds(120));
        first.Kill(entireProcessTree: true);
        await first.WaitForExitAsync();
        Assert.True(await DbPolling.ScalarAsync(db, erased) < Sent, "the kill should land mid-erase");
        Assert.Equal(1, await DbPolling.ScalarAsync(db, $"select count(*) from erase_jobs where id = '{jobId}' and status = 'running'"));

        using var second = Start(cs, "worker", FreePort());
        try
        {
            await DbPolling.WaitUntilAsync(db, $"select count(*) from erase_jobs where id = '{jobId}' and status = 'completed'", n => n == 1, TimeSpan.FromSeconds(180));
        }
        finally { second.Kill(entireProcessTree: true); }

        var left = await DbPolling.ScalarAsync(db, $"select count(*) from notifications where recipient->>'userId' = '{UserId}'");
        Assert.True(await DbPolling.ScalarAsync(db, erased) == Sent + Queued,
            $"counted {await DbPolling.ScalarAsync(db, erased)} of {Sent + Queued}, {left} not erased");
        Assert.Equal(Queued, await DbPolling.ScalarAsync(db, $"select (counts->>'cancelled')::bigint from erase_jobs where id = '{jobId}'"));
        await using (var sample = db.CreateCommand("select count(*)::text || ' rows, e.g. ' || string_agg(x, ' | ') from (select status || ' ' || recipient::text || ' data ' || coalesce(data::text, 'null') || ' at ' || updated_at::text as x from notifications where not (recipient = '{}' and data is null) limit 3) s"))
        {
            var kept = await DbPolling.ScalarAsync(db, "select count(*) from notifications where recipient = '{}' and data is null");
            Assert.True(kept == Sent + Queued, $"{kept} emptied; not: {await sample.ExecuteScalarAsync()}; total {await DbPolling.ScalarAsync(db, "select count(*) from notifications")}");
        }
        Assert.Equal(0, await DbPolling.ScalarAsync(db, $"select count(*) from notifications where recipient->>'userId' = '{UserId}' or data is not null"));
        Assert.Equal(Sent, await DbPolling.ScalarAsync(db, "select count(*) from notifications where status = 'sent'"));
        Assert.Equal(Queued, await DbPolling.ScalarAsync(db, "select count(*) from notifications where status = 'cancelled' and last_error = 'erased'"));
        Assert.Equal(Queued, await DbPolling.ScalarAsync(db, "select count(*) from notification_events where status = 'cancelled' and detail = 'erased'"));
        Assert.Equal(0, await DbPolling.ScalarAsync(db, $"select count(*) from recipient_profiles where user_id = '{UserId}'"));
        Assert.Equal(0, await DbPolling.ScalarAsync(db, "select count(*) from erase_jobs where subject is not null"));
    }

    /// <summary>
    /// The user's history, written as the ledger leaves it (sent, and queued for an hour ahead), in one statement each. Ids
    /// are UUIDv7 made now, as accept makes them (retention reads an id's time from it).
    /// </summary>
    private static async Task SeedAsync(NpgsqlDataSource db, Guid tenantId)
    {
        await using var cmd = db.CreateBatch();
        foreach (var (status, count) in new[] { ("sent", Sent), ("queued", Queued) })
            cmd.BatchCommands.Add(new NpgsqlBatchCommand($"""
                insert into notifications (id, tenant_id, channel, status, recipient, data, created_at, send_at, attempts)
                select id, $1, 'email', '{status}', jsonb_build_object('userId', '{UserId}'),
                       jsonb_build_object('name', 'Resume Me', 'n', i), now() - interval '1 minute', {(status == "queued" ? "now() + interval '1 hour'" : "null")},
                       {(status == "sent" ? 1 : 0)}
                from unnest($2::uuid[]) with ordinality as x(id, i)
                """) { Parameters = { new() { Value = tenantId }, new() { Value = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToArray() } } });
        cmd.BatchCommands.Add(new NpgsqlBatchCommand($"insert into recipient_profiles (tenant_id, user_id, email, name) values ($1, '{UserId}', 'resume@example.com', 'Resume Me')")
            { Parameters = { new() { Value = tenantId } } });
        await cmd.ExecuteNonQueryAsync();
        await using var analyze = db.CreateCommand("analyze notifications");
        await analyze.ExecuteNonQueryAsync();
    }

    private static Process Start(string cs, string mode, int port)
    {
        var psi = new ProcessStartInfo("dotnet", [CliTests.ServiceDll, "serve", "--urls", $"http://127.0.0.1:{port}"]);
        psi.Environment["ConnectionStrings__Postgres"] = cs;
        psi.Environment["Mode"] = mode;
        psi.Environment["Seed__OnStart"] = "true";
        psi.Environment["Seed__DemoApiKey"] = ServiceFixture.DemoApiKey;
        psi.Environment["Erase__BatchSize"] = "100";          // 201 checkpoints, so the kill lands between two
        psi.Environment["Erase__PauseMs"] = "20";             // a fixed rest, as before Erase:MaxShare: pacing is not what this spec is about
        psi.Environment["Erase__MaxShare"] = "1";
        psi.Environment["Queue__Queues__0"] = "erase";
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
