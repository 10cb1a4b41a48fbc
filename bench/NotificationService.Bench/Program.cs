using Npgsql;
using NotificationService.Bench;
using NotificationService.Bench.Ceilings;
using NotificationService.Bench.Providers;
using NotificationService.Bench.Service;
using NotificationService.Postgres;

// One command: PostgreSQL ceilings, then the service against them. `--quick` for a smoke run.
var options = BenchOptions.Parse(args);
ServiceProcess.OperatorEnv = options.ServiceEnv;
foreach (var (k, v) in options.ServiceEnv) Progress.Show($"service processes get {k}={v} (--service-env)");
var repoRoot = RepoRoot.Find();
var started = DateTimeOffset.UtcNow;

var dataDir = Path.Combine(Path.GetTempPath(), "ns-bench", $"{Environment.ProcessId}");
Progress.Show($"starting embedded PostgreSQL in {dataDir}");
// pg_stat_statements lets the dispatch phase count statements and their time per delivered notification.
var phaseDatabases = new List<string>();
var cluster = await EmbeddedPostgres.StartAsync(dataDir, log: Progress.Show, settings: ["shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track_planning=on"]);
try
{
    var machine = await Machine.DescribeAsync(cluster.ConnectionString);
    var report = new Report { Options = options, Machine = machine, StartedAt = started };

    Progress.Show("building the service (Release)");
    var dll = await ServiceProcess.BuildAsync(repoRoot);

    await Phase(report, "ceilings", "PostgreSQL ceilings", async () =>
        report.Ceilings = await PostgresCeilings.MeasureAsync(await CreateDatabaseAsync("ceilings"), options));

    await Phase(report, "accept", "accept and end-to-end (Mode=all)", async () =>
    {
        var cs = await CreateDatabaseAsync("service");
        await using var db = NpgsqlDataSource.Create(cs);
        Progress.Show("starting the service in Mode=all");
        await using var service = await ServiceProcess.StartAsync(dll, cs, "all");

        report.Accept = await AcceptLoad.ClosedLoopAsync(service.BaseAddress, BenchOptions.AcceptClients, options.AcceptDuration, "peak accept");
        await QueueWatch.WaitDrainedAsync(db, TimeSpan.FromSeconds(180), "after peak: waiting for the workers");

        var half = Math.Max(1, Math.Round(report.Accept.AcceptedPerSec / 2));
        report.HalfRate = await AcceptLoad.OpenLoopAsync(service.BaseAddress, half, options.HalfRateDuration, $"half rate {half:N0}/s");
        await QueueWatch.WaitDrainedAsync(db, TimeSpan.FromSeconds(180), "after half rate: waiting for the workers");

        report.EndToEnd = await EndToEndLatency.MeasureAsync(service, db, options.EndToEndRate, options.EndToEndDuration);
        report.RssAfterAcceptMiB = service.RssMiB();
    });

    await Phase(report, "tenant-limits", "per-tenant rate limits: a flooding tenant beside a quiet one (two Mode=api replicas)", async () =>
        report.TenantFlood = await TenantFloodRun.MeasureAsync(dll, await CreateDatabaseAsync("tenant_limits"), options.FloodDuration,
            BenchOptions.QuietTenantRate, BenchOptions.FloodClients, BenchOptions.FloodRate));

    await Phase(report, "retention", "retention: purging expired notifications while accepting at half the peak rate (Mode=all)", async () =>
        report.Retention = await RetentionRun.MeasureAsync(dll, await CreateDatabaseAsync("retention"), options.RetentionRows, options.RetentionWindow));

    await Phase(report, "inbox", "inbox: unread-count and the first page over a large inbox (Mode=api), beside the same statements direct", async () =>
        report.Inbox = await InboxRun.MeasureAsync(dll, await CreateDatabaseAsync("inbox"), options.InboxRows, options.InboxUsers,
            options.InboxClients, options.AcceptDuration));

    await Phase(report, "console", "console: every page over 1 M notifications, and its indexes' cost on accept (Mode=all; accept in Mode=api)", async () =>
        report.Console = await ConsoleRun.MeasureAsync(dll, repoRoot, CreateDatabaseAsync, options.ConsoleRows, options.ConsoleRequests,
            options.AcceptDuration, options.ConsoleAcceptPairs));

    await Phase(report, "sse", "sse: concurrent end-user streams on one instance, accept-to-event latency (Mode=all)", async () =>
        report.Sse = await SseRun.MeasureAsync(dll, await CreateDatabaseAsync("sse"), options.SseConnections, options.SseRate, options.SseDuration,
            options.SseSettle));

    await Phase(report, "dispatch", "dispatch (Mode=api then Mode=worker)", async () =>
        report.Dispatch = await DispatchRun.MeasureAsync(dll, await CreateDatabaseAsync("dispatch"), options.DispatchJobs));

    await Phase(report, "preferences", "dispatch with preferences in force vs without, in pairs (Mode=api then Mode=worker)", async () =>
        report.Preferences = await PreferencesDispatchRun.MeasureAsync(dll, CreateDatabaseAsync, options.DispatchJobs, options.Quick ? 1 : 2));

    await Phase(report, "providers", "provider dispatch through SendGrid and Twilio fakes (Mode=api then Mode=worker)", async () =>
        report.ProviderDispatch = await ProviderDispatchRun.MeasureAsync(dll, await CreateDatabaseAsync("providers"), options.ProviderMessages));

    await Phase(report, "batches", "batches (Mode=api)", async () =>
    {
        await using var service = await ServiceProcess.StartAsync(dll, await CreateDatabaseAsync("batches"), "api");
        report.Batches = await BatchLoad.MeasureAsync(service.BaseAddress, BenchOptions.BatchClients, options.AcceptDuration, options.BatchWarmUp);
    });

    await Phase(report, "bulk", "CSV bulk job, enqueue alone (only the bulk queue is worked)", async () =>
        report.BulkEnqueueOnly = await BulkRun.MeasureAsync(dll, await CreateDatabaseAsync("bulk_enqueue"), options.BulkRows, enqueueOnly: true));

    await Phase(report, "bulk", "CSV bulk job (Mode=all)", async () =>
        report.Bulk = await BulkRun.MeasureAsync(dll, await CreateDatabaseAsync("bulk"), options.BulkRows, enqueueOnly: false));

    await Phase(report, "webhooks", "webhooks out (Mode=api then Mode=worker)", async () =>
        report.WebhooksOut = await NotificationService.Bench.Webhooks.WebhooksOutRun.MeasureAsync(dll, await CreateDatabaseAsync("webhooks_out"), options.WebhookDeliveries));

    await Phase(report, "webhooks", "webhooks in: provider callbacks (Mode=api)", async () =>
        report.CallbacksIn = await NotificationService.Bench.Webhooks.CallbacksInRun.MeasureAsync(dll, await CreateDatabaseAsync("callbacks_in"), options.CallbackEvents));

    await Phase(report, "webhooks", "webhooks in: Twilio callbacks, one event per request (Mode=api)", async () =>
        report.TwilioCallbacksIn = await NotificationService.Bench.Webhooks.TwilioCallbacksRun.MeasureAsync(dll, await CreateDatabaseAsync("twilio_in"), options.CallbackEvents / 5));

    await Phase(report, "webhook-insert", "webhook delivery insert with and without the notification id (migration 470), alternating", async () =>
        report.WebhookInsert = await NotificationService.Bench.Webhooks.WebhookInsertRun.MeasureAsync(dll, await CreateDatabaseAsync("webhook_insert"),
            options.CeilingDuration, options.Quick ? 2 : 3));

    await Phase(report, "templated-accept", "accept with a template vs inline content (Mode=all, then Mode=api)", async () =>
    {
        foreach (var mode in new[] { "all", "api" })
            report.TemplatedAccept.Add(await TemplatedAcceptComparison.MeasureAsync(dll, await CreateDatabaseAsync($"templated_{mode}"),
                mode, options.AcceptDuration, BenchOptions.TemplatedAcceptPairs));
    });

    await Phase(report, "topics", "topics: a fan-out's rate and accept latency, live events to topics over open streams", async () =>
        report.Topics = await TopicsPhase.MeasureAsync(dll, CreateDatabaseAsync, TopicsBenchOptions.Parse(args, options.Quick)));

    Progress.Done();
    var markdown = report.ToMarkdown();
    Console.WriteLine(markdown);
    var resultsDir = Path.Combine(repoRoot, "bench", "results");
    Directory.CreateDirectory(resultsDir);
    // A partial run (--only) does not overwrite the full report.
    var resultsFile = Path.Combine(resultsDir, options.Only is { } only ? $"latest-{string.Join('-', only.Order())}.md" : "latest.md");
    await File.WriteAllTextAsync(resultsFile, markdown);
    Console.WriteLine($"written to {resultsFile}");
}
finally
{
    Progress.Show("stopping embedded PostgreSQL");
    try { await cluster.StopAsync(); }
    catch (Exception ex) { Console.Error.WriteLine($"stopping PostgreSQL failed: {ex.Message}"); }
    Progress.Done();
    try { Directory.Delete(dataDir, recursive: true); } catch { /* best effort */ }
}

// A phase's databases are dropped when it ends (its figures are in the report by then). Left behind, their tables were
// vacuumed by autovacuum during a later phase: the ceilings' 700,000 inserted and 100,000 deleted rows took a worker
// 1.2 s of VACUUM ANALYZE in the middle of the sse window, which is where that run's slowest 1 % of sends all started.
async Task DropPhaseDatabasesAsync()
{
    await using var admin = new NpgsqlConnection(cluster.ConnectionString);
    await admin.OpenAsync();
    foreach (var name in phaseDatabases)
    {
        await using var drop = new NpgsqlCommand($"drop database if exists {name} with (force)", admin);
        await drop.ExecuteNonQueryAsync();
    }
    phaseDatabases.Clear();
}

async Task<string> CreateDatabaseAsync(string name)
{
    await using var admin = new NpgsqlConnection(cluster.ConnectionString);
    await admin.OpenAsync();
    await using var cmd = new NpgsqlCommand($"create database bench_{name}", admin);
    await cmd.ExecuteNonQueryAsync();
    phaseDatabases.Add($"bench_{name}");
    return new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Database = $"bench_{name}" }.ConnectionString;
}

// A failed phase is reported, not fatal: the other figures still count.
// `--only` skips every phase but the ceilings and those named.
async Task Phase(Report report, string key, string name, Func<Task> run)
{
    if (key != "ceilings" && !options.Runs(key)) return;
    try { await run(); await DropPhaseDatabasesAsync(); }
    catch (Exception ex)
    {
        Progress.Done();
        Console.Error.WriteLine($"phase '{name}' failed: {ex.Message}");
        report.Notes.Add($"Phase '{name}' failed: {ex.Message.Split('\n')[0]}");
    }
}

static class RepoRoot
{
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NotificationService.sln"))) return dir.FullName;
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NotificationService.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("NotificationService.sln not found above the bench");
    }
}
