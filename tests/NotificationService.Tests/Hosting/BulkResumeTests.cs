using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Npgsql;
using NotificationService.Postgres;
using NotificationService.Tests.Features.Sending.Bulk;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Hosting;

/// <summary>
/// A bulk job whose process is SIGKILLed mid-file is resumed by another replica from its checkpoint:
/// every row is enqueued exactly once (the row's checkpointed position is its idempotency key), and a recipient
/// taken by a row committed before the kill is a duplicate when it appears again after it.
/// </summary>
[StartsFirst(6)]   // 20 s to a minute of service processes: started before the short classes
public class BulkResumeTests
{
    private const int Rows = 30_000;
    private const int Recipients = 20_000; // rows 20,000 and on repeat the first 10,000 recipients

    [Fact]
    public async Task A_killed_replica_leaves_the_job_to_another_that_resumes_at_the_checkpoint_without_sending_a_row_twice()
    {
        var cs = await TestDatabase.CreateAsync("bulkresume");
        Assert.Equal(0, (await CliTests.RunAsync(cs, "migrate")).Exit);
        await using var db = NpgsqlDataSource.Create(cs);
        var port = FreePort();
        using var first = Start(cs, "all", port);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceFixture.DemoApiKey);
        await WaitReadyAsync(http);
        await BulkCsv.AddOrderTemplateAsync(db, NotificationService.Features.Operations.Seed.DemoSeeder.DemoTenantId);

        var csv = new StringBuilder("email,first_name,order_id\n");
        for (var i = 0; i < Rows; i++) csv.Append($"user{i % Recipients}@example.com,User {i},O-{i}\n");
        var upload = await BulkCsv.PostAsync(http, Encoding.UTF8.GetBytes(csv.ToString()));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var jobId = Guid.Parse((await upload.JsonAsync())["jobId"]!.GetValue<string>());

        await DbPolling.WaitUntilAsync(db, $"select processed_rows from bulk_jobs where id = '{jobId}'", n => n > 0, TimeSpan.FromSeconds(60));
        first.Kill(entireProcessTree: true);
        await first.WaitForExitAsync();
        var atKill = await DbPolling.ScalarAsync(db, $"select processed_rows from bulk_jobs where id = '{jobId}'");
        Assert.True(atKill < Rows, $"the kill should land mid-file (checkpoint {atKill})");

        using var second = Start(cs, "worker", FreePort());
        try
        {
            await DbPolling.WaitUntilAsync(db, $"select count(*) from bulk_jobs where id = '{jobId}' and status = 'completed'", n => n == 1, TimeSpan.FromSeconds(120));
        }
        finally { second.Kill(entireProcessTree: true); }

        Assert.Equal(Recipients, await DbPolling.ScalarAsync(db, $"select accepted_rows from bulk_jobs where id = '{jobId}'"));
        Assert.Equal(Rows - Recipients, await DbPolling.ScalarAsync(db, $"select duplicate_rows from bulk_jobs where id = '{jobId}'"));
        Assert.Equal(Recipients, await DbPolling.ScalarAsync(db, $"select count(*) from notifications where batch_id = '{jobId}'"));
        Assert.Equal(Recipients, await DbPolling.ScalarAsync(db, $"select count(distinct recipient->>'email') from notifications where batch_id = '{jobId}'"));
    }

    private static Process Start(string cs, string mode, int port)
    {
        var psi = new ProcessStartInfo("dotnet", [CliTests.ServiceDll, "serve", "--urls", $"http://127.0.0.1:{port}"]);
        psi.Environment["ConnectionStrings__Postgres"] = cs;
        psi.Environment["Mode"] = mode;
        psi.Environment["Seed__OnStart"] = "true";
        psi.Environment["Seed__DemoApiKey"] = ServiceFixture.DemoApiKey;
        psi.Environment["Bulk__ChunkRows"] = "500";           // many checkpoints, so the kill lands between two
        psi.Environment["Queue__Queues__0"] = "bulk";         // deliveries are not what this test is about
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
