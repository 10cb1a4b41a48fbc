using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Features.Sending.Delivery;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Postgres;
using NotificationService.Queue;
using NotificationService.Tests.Features.Operations.Metrics;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Hosting;

/// <summary>
/// A job whose handling kills its worker process (issue 28: a template that overflowed the stack crashed seven workers
/// in a row) is set aside after the second crash, and everything enqueued with it is delivered. The worker is the real
/// binary; the crash is the test hook `Testing:CrashWorkerOnRecipient` (the sandbox calls Environment.FailFast for that
/// address, as a stack overflow ends a process: nothing caught, nothing acknowledged). The spec plays the supervisor
/// that restarts a worker that died.
/// </summary>
[StartsFirst(6)]   // 20 s to a minute of service processes: started before the short classes
public class PoisonJobTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Poison = "crash@example.com";
    private const string Reason = "set aside: its handling stopped the worker 2 times";

    [Fact]
    public async Task A_job_that_kills_its_worker_is_set_aside_after_the_second_crash_and_every_other_job_is_delivered()
    {
        var cs = await TestDatabase.CreateAsync("poison");
        var seed = await CliTests.RunAsync(cs, "seed");
        Assert.True(seed.Exit == 0, seed.Output);
        var key = System.Text.RegularExpressions.Regex.Match(seed.Output, @"demo API key: (nsk_\S+)").Groups[1].Value;
        await using var db = NpgsqlDataSource.Create(cs);
        // One transaction, so the first claim hands the poison to the worker in one batch with twenty innocent emails
        // (and five texts run beside them on their own queue): each one is in flight when the worker dies.
        var (poison, others) = await EnqueueAsync(db);

        var crashes = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ServiceProcess? survivor = null;
        try
        {
            for (var start = 1; survivor is null; start++)
            {
                Assert.True(start <= 3, $"worker {start} needed: the poison killed {crashes} workers and was still handed out");
                var worker = StartWorker(cs);
                await Eventually.Async(async () => worker.HasExited || await SettledAsync(db), $"worker {start} to die or the queue to settle",
                    TimeSpan.FromSeconds(120));
                output.WriteLine($"worker {start}: {(worker.HasExited ? "died" : "settled the queue")} at {clock.Elapsed.TotalSeconds:0.0} s");
                if (!worker.HasExited) { survivor = worker; break; }
                await worker.WaitExitAsync(TimeSpan.FromSeconds(30));   // HasExited turns true before stderr is read to its end
                Assert.Contains(worker.Stderr, l => l.Contains($"test hook {WorkerCrashTestHook.Setting}")); // died of the poison, nothing else
                await worker.DisposeAsync();
                crashes++;
            }
            output.WriteLine($"{crashes} workers died");
            Assert.Equal(2, crashes);

            // The job: dead with the reason and its count, listed as such by the admin API of the worker that survived.
            Assert.Equal($"dead | 2 | {Reason}", await TextAsync(db, "select concat_ws(' | ', state, crashes, last_error) from jobs"));
            // A worker can settle the queue before its HTTP server listens (hosted services start first).
            await survivor.WaitReadyAsync(TimeSpan.FromSeconds(60));
            using var http = new HttpClient { BaseAddress = new Uri(survivor.BaseUrl) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var dead = JsonNode.Parse(await http.GetStringAsync("/api/v1/admin/queues/email/dead"))!.AsArray().Single()!;
            Assert.Equal((2, Reason), (dead["crashes"]!.GetValue<int>(), dead["lastError"]!.GetValue<string>()));

            // Its notification: failed through the ledger with the reason, in its history; not left `sending`.
            Assert.Equal($"failed | {Reason}", await TextAsync(db, $"select concat_ws(' | ', status, last_error) from notifications where id = '{poison}'"));
            Assert.Equal($"failed | system | {Reason}", await TextAsync(db,
                $"select concat_ws(' | ', status, source, detail) from notification_events where notification_id = '{poison}' order by id desc limit 1"));

            // Everything else: sent, each at least once (the crashes make some twice: at-least-once).
            Assert.Equal(others.Count, await DbPolling.ScalarAsync(db,
                $"select count(*) from notifications where status = 'sent' and id in ({string.Join(',', others.Select(o => $"'{o}'"))})"));
            Assert.Equal(others.Count, await DbPolling.ScalarAsync(db, "select count(distinct notification_id) from sandbox_messages"));

            // /metrics of the worker whose rescuer set it aside counts it, and stays clean for promtool.
            var scrape = await http.GetStringAsync("/metrics");
            Assert.Contains("queue_jobs_set_aside_total{queue=\"email\"} 1\n", scrape);
            if (PrometheusTools.Promtool is not null)
            {
                var (exit, lint) = await PrometheusTools.CheckMetricsAsync(scrape);
                Assert.True(exit == 0 && lint == "", $"promtool exited {exit}: {lint}");
            }
        }
        finally
        {
            if (survivor is not null) await survivor.DisposeAsync();
        }
    }

    /// <summary>Nothing left to run: every job is done or dead.</summary>
    private static async Task<bool> SettledAsync(NpgsqlDataSource db) =>
        await DbPolling.ScalarAsync(db, "select count(*) from jobs where state <> 'dead'") == 0;

    private static ServiceProcess StartWorker(string cs) => ServiceProcess.Start(new Dictionary<string, string>
    {
        ["ConnectionStrings__Postgres"] = cs, ["Mode"] = "worker",
        [WorkerCrashTestHook.Setting.Replace(":", "__")] = Poison,
        // Short leases and frequent rescues: a dead worker's jobs come back within about two seconds.
        ["Queue__LeaseSeconds"] = "2", ["Queue__RescueIntervalSeconds"] = "0.25", ["Queue__PollIntervalMs"] = "200",
        ["Logging__LogLevel__Default"] = "Warning", ["DOTNET_DbgEnableMiniDump"] = "0",
    }, "serve");

    private static async Task<(Guid Poison, List<Guid> Others)> EnqueueAsync(NpgsqlDataSource db)
    {
        var tenant = NotificationService.Features.Operations.Seed.DemoSeeder.DemoTenantId;
        NotificationDraft Draft(string channel, StoredRecipient to, int i) => new(Guid.CreateVersion7(), tenant, channel, JobPriority.Normal,
            to, null, null, null, new StoredContent("Hi", $"Message {i}", null), null, null, null, null);
        var emails = Enumerable.Range(0, 21).Select(i => Draft("email", new StoredRecipient(null, i == 10 ? Poison : $"user{i}@example.com", null, null), i)).ToList();
        var texts = Enumerable.Range(0, 5).Select(i => Draft("sms", new StoredRecipient(null, null, $"+1555010{i:D4}", null), i)).ToList();
        var queue = new JobQueue(db, new QueueSignals(), new CrossReplicaNotifier(db));
        var ledger = new NotificationLedger(db, queue, [], [], Microsoft.Extensions.Logging.Abstractions.NullLogger<NotificationLedger>.Instance);
        await using var tx = await ledger.BeginAsync(default);
        await new NotificationWriter(queue, ledger).InsertAsync(tx, [.. emails, .. texts], default);
        await tx.CommitAsync(default);
        return (emails[10].Id, [.. emails.Where((_, i) => i != 10).Concat(texts).Select(d => d.Id)]);
    }

    private static async Task<string> TextAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
