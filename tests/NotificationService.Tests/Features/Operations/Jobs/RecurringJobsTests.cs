using Hangfire;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using NotificationService.Features.Operations.Jobs;
using NotificationService.Features.People.Inbox;
using NotificationService.Features.Sending.ProviderCallbacks;
using NotificationService.Postgres;
using NotificationService.Tests.Shared;

namespace NotificationService.Tests.Features.Operations.Jobs;

/// <summary>
/// Two worker replicas on one database each run a Hangfire server, and a recurring maintenance job still runs once per
/// occurrence for the cluster: Hangfire's scheduler records each occurrence it enqueues (the job's `Time` parameter), so
/// two replicas scheduling on their own would show the same occurrence twice. The same holds for the inbox sweep and the
/// parked-callback expiry, which were timers on every replica.
/// </summary>
[Collection("jobs-replicas")]
public class RecurringJobsTests : IAsyncLifetime
{
    private string _db = "";
    private readonly List<WebApplicationFactory<Program>> _replicas = [];

    public async Task InitializeAsync() => _db = await TestDatabase.CreateAsync("jobs");

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas) await replica.DisposeAsync();
    }

    private WebApplicationFactory<Program> Worker()
    {
        var host = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("ConnectionStrings:Postgres", _db);
            b.UseSetting("Mode", "worker");
            b.UseSetting("Secrets:Keys:test", Convert.ToBase64String(new byte[32]));
            b.UseSetting("Logging:LogLevel:Default", "Warning");
            b.UseSetting("Retention:Cron", "0 0 1 1 *");          // the real passes once a year: the spec drives one kind itself
            b.UseSetting("Jobs:SchedulePollSeconds", "0.2");
            b.UseSetting("Jobs:QueuePollSeconds", "0.2");
        });
        _ = host.Server;
        _replicas.Add(host);
        return host;
    }

    [Fact]
    public async Task A_recurring_job_runs_once_per_occurrence_with_two_worker_replicas_scheduling_it()
    {
        var first = Worker();
        var second = Worker();
        await using var db = NpgsqlDataSource.Create(_db);
        await Eventually.Async(async () => await CountAsync(db, "select count(*) from hangfire.server") == 2, "both replicas' Hangfire servers");
        // Registration runs beside the start (a killed replica's lock must not stop its replacement starting): wait for both
        // replicas' to finish, or a late one sets the yearly schedule back over the every-second one this spec sets below.
        await Task.WhenAll(RegistrationOf(first), RegistrationOf(second)).WaitAsync(TimeSpan.FromSeconds(60));
        var ids = await Eventually.Async(() => RecurringJobIdsAsync(db),
            r => r.Count >= 5 && r.Contains(InboxSweeper.JobId) && r.Contains(ParkedCallbackExpiry.JobId),
            "every retention kind and both sweeps registered as recurring jobs");
        Assert.Contains(InboxSweeper.JobId, ids);
        Assert.Contains(ParkedCallbackExpiry.JobId, ids);

        // Every second, on both replicas' schedulers: a retention kind and the sweeps that were per-replica timers.
        var manager = first.Services.GetRequiredService<IRecurringJobManager>();
        var retention = MaintenanceJobs.RetentionJobId("AuditLog");
        const string EverySecond = "* * * * * *";
        manager.AddOrUpdate<MaintenanceJobs>(retention, JobsServiceExtensions.MaintenanceQueue,
            j => j.PurgeAsync("AuditLog", CancellationToken.None), EverySecond);
        manager.AddOrUpdate<InboxSweeper>(InboxSweeper.JobId, JobsServiceExtensions.MaintenanceQueue,
            j => j.SweepAsync(CancellationToken.None), EverySecond);
        manager.AddOrUpdate<ParkedCallbackExpiry>(ParkedCallbackExpiry.JobId, JobsServiceExtensions.MaintenanceQueue,
            j => j.ExpireAsync(CancellationToken.None), EverySecond);

        foreach (var id in new[] { retention, InboxSweeper.JobId, ParkedCallbackExpiry.JobId })
        {
            var (succeeded, occurrences, jobs) = await Eventually.Async(() => RunsAsync(db, id),
                c => c.Succeeded >= 4, $"four runs of the every-second {id}", TimeSpan.FromSeconds(60));
            Assert.True(jobs == occurrences, $"{id}: {jobs} jobs for {occurrences} occurrences (one enqueued twice)");
            Assert.True(succeeded >= 4);
        }
    }

    private static Task RegistrationOf(WebApplicationFactory<Program> replica) =>
        replica.Services.GetServices<IHostedService>().OfType<RecurringJobsRegistration>().Single().ExecuteTask ?? Task.CompletedTask;

    private static async Task<(long Succeeded, long Occurrences, long Jobs)> RunsAsync(NpgsqlDataSource db, string id)
    {
        const string Runs = """
            select count(*) filter (where j.statename = 'Succeeded'), count(distinct t.value), count(*)
            from hangfire.job j
            join hangfire.jobparameter r on r.jobid = j.id and r.name = 'RecurringJobId' and r.value = $1
            join hangfire.jobparameter t on t.jobid = j.id and t.name = 'Time'
            """;
        await using var cmd = db.CreateCommand(Runs);
        cmd.Parameters.AddWithValue($"\"{id}\"");
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
    }

    private static async Task<List<string>> RecurringJobIdsAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("select value from hangfire.set where key = 'recurring-jobs'");
        await using var r = await cmd.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await r.ReadAsync()) ids.Add(r.GetString(0));
        return ids;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
