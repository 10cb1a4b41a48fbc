using System.Diagnostics;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Postgres;
using NotificationService.Queue;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Hosting;

/// <summary>
/// At-least-once, measured: a worker process is SIGKILLed in the middle of 5,000 deliveries; a new
/// worker finishes them. Every notification is delivered, and the re-deliveries (sandbox records beyond
/// one per notification) are no more than the notifications whose jobs were in flight at the kill (a job delivers a
/// group of them: its units).
/// </summary>
[StartsFirst(6)]   // 20 s to a minute of service processes: started before the short classes
public class CrashSafetyTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Jobs = 5_000;

    [Fact]
    public async Task A_worker_killed_mid_run_loses_nothing_and_redelivers_at_most_what_was_in_flight()
    {
        var cs = await TestDatabase.CreateAsync("crash");
        Assert.Equal(0, (await CliTests.RunAsync(cs, "seed")).Exit);
        await using var db = NpgsqlDataSource.Create(cs);
        // Slow the sandbox down so the kill lands mid-run: ~100 notifications per batch in flight, 150 ms each.
        await Exec(db, "update providers set settings = '{\"latencyMs\": 150}' where channel = 'email'");
        await EnqueueAsync(db);

        using var first = StartWorker(cs);
        try
        {
            await DbPolling.WaitUntilAsync(db, "select count(*) from sandbox_messages", n => n >= Jobs / 5, TimeSpan.FromSeconds(60));
        }
        finally
        {
            // SIGKILL: no graceful shutdown, no acknowledgements. Also when the wait timed out: disposing a Process does not
            // end it, and a worker left running kept delivering for minutes after the spec had failed.
            first.Kill(entireProcessTree: true);
        }
        await first.WaitForExitAsync();
        var inFlightAtKill = await DbPolling.ScalarAsync(db, "select coalesce(sum(units), 0) from jobs where state = 'running'");
        var deliveredAtKill = await DbPolling.ScalarAsync(db, "select count(*) from sandbox_messages");
        Assert.True(deliveredAtKill < Jobs, "the kill should land before the end");
        // The jobs in flight at the kill come back as suspects, which a worker runs one at a time (a job that killed its
        // worker must not take others with it next time): at 150 ms each they alone would take most of the wait below.
        await Exec(db, "update providers set settings = '{}' where channel = 'email'");

        using var second = StartWorker(cs);
        try
        {
            await DbPolling.WaitUntilAsync(db, "select count(*) from jobs", n => n == 0, TimeSpan.FromSeconds(120));
        }
        catch (TimeoutException e)
        {
            // Say what is left, so a failure can be read from the log: state, attempt, lease, schedule and error.
            await using var left = db.CreateCommand("""
                select string_agg(format('%s %s units=%s attempt=%s run_at-now=%s locked_until-now=%s error=%s',
                    id, state, units, attempt, run_at - now(), locked_until - now(), last_error), E'\n') from jobs
                """);
            throw new TimeoutException($"{e.Message}; jobs left:\n{await left.ExecuteScalarAsync()}", e);
        }
        finally
        {
            second.Kill(entireProcessTree: true);
        }

        Assert.Equal(Jobs, await DbPolling.ScalarAsync(db, "select count(*) from notifications where status = 'sent'"));
        Assert.Equal(Jobs, await DbPolling.ScalarAsync(db, "select count(distinct notification_id) from sandbox_messages"));
        var redeliveries = await DbPolling.ScalarAsync(db, "select count(*) from sandbox_messages") - Jobs;
        output.WriteLine($"delivered at kill {deliveredAtKill}, running at kill {inFlightAtKill}, re-deliveries {redeliveries}");
        Assert.InRange(redeliveries, 0, inFlightAtKill);
    }

    private static Process StartWorker(string cs)
    {
        var psi = new ProcessStartInfo("dotnet", [CliTests.ServiceDll, "serve", "--urls", "http://127.0.0.1:0"])
            { RedirectStandardOutput = false, RedirectStandardError = false };
        psi.Environment["ConnectionStrings__Postgres"] = cs;
        psi.Environment["Mode"] = "worker";
        psi.Environment["Queue__BatchSizes__email"] = "50";
        psi.Environment["Queue__MaxBatchesInFlightPerQueue"] = "2";
        psi.Environment["Queue__LeaseSeconds"] = "3";
        psi.Environment["Queue__RescueIntervalSeconds"] = "1";
        psi.Environment["Queue__PollIntervalMs"] = "200";
        psi.Environment["Secrets__Keys__test"] = Convert.ToBase64String(new byte[32]);
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        return Process.Start(psi)!;
    }

    private static async Task EnqueueAsync(NpgsqlDataSource db)
    {
        var tenant = NotificationService.Features.Operations.Seed.DemoSeeder.DemoTenantId;
        var drafts = Enumerable.Range(0, Jobs).Select(i => new NotificationDraft(Guid.CreateVersion7(), tenant, "email", JobPriority.Normal,
            new StoredRecipient(null, $"user{i}@example.com", null, null), null, null, null, new StoredContent("Hi", $"Message {i}", null),
            null, null, null, null)).ToList();
        // The service's own writer, without a service around it (the demo tenant has no webhook subscribers to hear it).
        var queue = new JobQueue(db, new QueueSignals(), new CrossReplicaNotifier(db));
        var ledger = new NotificationLedger(db, queue, [], [], Microsoft.Extensions.Logging.Abstractions.NullLogger<NotificationLedger>.Instance);
        await using var tx = await ledger.BeginAsync(default);
        await new NotificationWriter(queue, ledger).InsertAsync(tx, drafts, default);
        await tx.CommitAsync(default);
    }



    private static async Task Exec(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}
