using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Postgres;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Hosting;

/// <summary>
/// A tenant deletion running as a Hangfire job whose process is SIGKILLed mid-way (20,000 notifications, deleted in
/// batches of 100) is run again by another replica's Hangfire server once its lease lapses, and finishes: no row of the
/// tenant is left, and the job succeeded once.
/// </summary>
[StartsFirst(6)]   // a minute or two of service processes: started before the short classes
public class TenantDeletionResumeTests
{
    private const int Notifications = 20_000;
    private const string OperatorKey = "nsp_kill1234_CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";

    [Fact]
    public async Task A_killed_tenant_deletion_is_run_again_by_another_replica_and_leaves_no_row_with_the_job_done_once()
    {
        var cs = await TestDatabase.CreateAsync("deleteresume");
        Assert.Equal(0, (await CliTests.RunAsync(cs, "migrate")).Exit);
        await using var db = NpgsqlDataSource.Create(cs);
        await using var first = Start(cs, "all");
        await first.WaitReadyAsync(TimeSpan.FromSeconds(60));
        var http = new HttpClient { BaseAddress = new Uri(first.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OperatorKey);
        var created = await http.PostAsync("/api/v1/platform/tenants", JsonContent.Create(new { name = "Doomed", slug = "doomed-kill" }));
        Assert.True(created.IsSuccessStatusCode, $"creating the tenant: {(int)created.StatusCode}");
        var tenantId = Guid.Parse(JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
        await SeedAsync(db, tenantId);

        var deleted = await http.DeleteAsync($"/api/v1/platform/tenants/{tenantId}");
        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        var deletionId = Guid.Parse(JsonNode.Parse(await deleted.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
        var progress = $"select rows_deleted from tenant_deletions where id = '{deletionId}'";

        await DbPolling.WaitUntilAsync(db, progress, n => n >= 2_000, TimeSpan.FromSeconds(120));
        await first.DisposeAsync();   // SIGKILL
        Assert.True(await DbPolling.ScalarAsync(db, $"select count(*) from notifications where tenant_id = '{tenantId}'") > 0, "the kill should land mid-deletion");
        Assert.Equal(1, await DbPolling.ScalarAsync(db, $"select count(*) from tenant_deletions where id = '{deletionId}' and status = 'running'"));

        const string JobsOfDeletion = "from hangfire.job j where j.invocationdata::text like '%TenantDeletionJobs%' and j.arguments::text like '%{0}%'";
        var succeeded = $"select count(*) from hangfire.state s where s.name = 'Succeeded' and s.jobid in (select j.id {string.Format(JobsOfDeletion, deletionId)})";
        await using (Start(cs, "worker"))
        {
            await DbPolling.WaitUntilAsync(db, $"select count(*) from tenant_deletions where id = '{deletionId}' and status = 'completed'", n => n == 1,
                TimeSpan.FromSeconds(240));
            // The job writes "completed" as its last step; Hangfire records Succeeded after the method returns. Disposing the
            // replica kills it, so it stays up until then (a loaded host once killed it in between: 0 Succeeded).
            await DbPolling.WaitUntilAsync(db, succeeded, n => n >= 1, TimeSpan.FromSeconds(60));
        }

        await using (var tables = db.CreateCommand("""
            select string_agg(format('select %L as t, count(*) as n from %I where tenant_id = $1', table_name, table_name), ' union all ')
            from information_schema.columns where table_schema = 'public' and column_name = 'tenant_id'
            """))
        {
            await using var left = db.CreateCommand($"select coalesce(string_agg(t || ' ' || n, ', '), '') from ({await tables.ExecuteScalarAsync()}) s where n > 0");
            left.Parameters.AddWithValue(tenantId);
            Assert.Equal("", (string)(await left.ExecuteScalarAsync())!);
        }
        Assert.Equal(0, await DbPolling.ScalarAsync(db, $"select count(*) from tenants where id = '{tenantId}'"));
        Assert.Equal(1, await DbPolling.ScalarAsync(db, "select count(*) " + string.Format(JobsOfDeletion, deletionId)));
        Assert.Equal(1, await DbPolling.ScalarAsync(db, succeeded));
    }

    /// <summary>The tenant's notifications, written as the ledger leaves sent ones, in one statement.</summary>
    private static async Task SeedAsync(NpgsqlDataSource db, Guid tenantId)
    {
        await using var cmd = db.CreateCommand("""
            insert into notifications (id, tenant_id, channel, status, recipient, data, created_at, attempts)
            select id, $1, 'email', 'sent', jsonb_build_object('email', 'doomed' || i || '@example.com'), null, now() - interval '1 minute', 1
            from unnest($2::uuid[]) with ordinality as x(id, i)
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(Enumerable.Range(0, Notifications).Select(_ => Guid.CreateVersion7()).ToArray());
        await cmd.ExecuteNonQueryAsync();
    }

    private static ServiceProcess Start(string cs, string mode) => ServiceProcess.Start(new Dictionary<string, string>
    {
        ["ConnectionStrings__Postgres"] = cs,
        ["Mode"] = mode,
        ["Platform__Keys__ops"] = OperatorKey,
        ["Tenants__DeleteSettleSeconds"] = "0",
        ["Tenants__DeleteBatchRows"] = "100",       // 200 batches of notifications, so the kill lands between two
        // The default pacing (work a quarter of the time) stretches the run fourfold, so the kill lands mid-deletion even
        // when this spec's polling is starved on a loaded host (unpaced, a deletion once finished before the poll saw 2,000).
        ["Tenants__DeleteMaxShare"] = "0.25",
        ["Jobs__InvisibilityMinutes"] = "0.1",      // the killed job is taken again 6 s after its last heartbeat
        ["Jobs__QueuePollSeconds"] = "0.5",
        ["Jobs__SchedulePollSeconds"] = "0.5",
        ["Queue__Queues__0"] = "erase",            // the service's own queues idle: nothing else competes
        ["Logging__LogLevel__Default"] = "Warning",
    }, "serve");
}
