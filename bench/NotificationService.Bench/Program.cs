using Npgsql;
using NotificationService.Bench;
using NotificationService.Bench.Ab;
using NotificationService.Bench.Ceilings;
using NotificationService.Bench.Costs;
using NotificationService.Bench.Providers;
using NotificationService.Bench.Service;
using NotificationService.Postgres;

// One command: PostgreSQL ceilings, then the service against them. `--quick` for a short run, `--smoke` for the least
// that runs every step, `--ab REF` to run every phase on this tree's service and on REF's, alternating.
if (args is ["--help"] or ["-h"]) { Console.WriteLine(BenchUsage.Text); return 0; }
if (BenchUsage.Unknown(args) is { } unknown) { Console.Error.WriteLine($"unknown argument {unknown}\n\n{BenchUsage.Text}"); return 2; }
var options = BenchOptions.Parse(args);
ServiceProcess.OperatorEnv = options.ServiceEnv;
Waits.Smoke = options.Smoke;
foreach (var (k, v) in options.ServiceEnv) Progress.Show($"service processes get {k}={v} (--service-env)");
var repoRoot = RepoRoot.Find();
var started = DateTimeOffset.UtcNow;

var dataDir = Path.Combine(Path.GetTempPath(), "ns-bench", $"{Environment.ProcessId}");
Progress.Show($"starting embedded PostgreSQL in {dataDir}");
// pg_stat_statements lets the phases count statements and their time per unit of work.
var phaseDatabases = new List<string>();
var seededDatabases = new Dictionary<string, string>();   // service build → the migrated, seeded database phases copy
var phaseDll = "";                                        // the build the running phase starts
double? halfRate = null;                                  // the accept phase's half rate, set by its first round
foreach (var (k, v) in options.PostgresSettings) Progress.Show($"the bench's PostgreSQL gets {k}={v} (--pg-setting)");
var cluster = await EmbeddedPostgres.StartAsync(dataDir, log: Progress.Show,
    settings: ["shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track_planning=on", .. options.PostgresSettings.Select(s => $"{s.Key}={s.Value}")]);
var failed = false;
try
{
    var machine = await Machine.DescribeAsync(cluster.ConnectionString);
    var report = new Report { Options = options, Machine = machine, StartedAt = started };

    var head = new BenchSide("head", await HeadDllAsync(), AbBuild.DescribeWorkingTree(repoRoot));
    var sides = new List<BenchSide> { head };
    if (options.AbRef is { } abRef)
    {
        var (dll, label) = await AbBuild.BuildAsync(repoRoot, abRef);
        sides.Add(new BenchSide("base", dll, label));
    }

    // The build just written out and its compilers gone quiet first (a smoke run's figures mean nothing: it does not wait).
    if (!options.Smoke) report.Notes.Add(await HostSettle.WaitAsync());
    // Ceilings before the first round and after every round of every phase: each round is divided by the mean of the two
    // measured either side of it, seconds away, rather than by one measured before a run of many minutes.
    var schedule = report.CeilingSchedule = new CeilingSchedule();
    var before = await CeilingsAsync(schedule, "before the first phase", report.Notes);

    var phases = Phases().Where(p => options.Runs(p.Key)).ToList();
    var units = new List<BenchUnit>();
    var roundsPerSide = options.RoundsPerSide;
    // Each phase's rounds, each of its own report. With two builds they alternate, each going first in half the rounds
    // (head, base, base, head, …), so drift on a shared host falls on both alike.
    foreach (var key in phases.Select(p => p.Key).Distinct())
        for (int round = 0, rounds = options.RoundsOf(key); round < rounds; round++)
            foreach (var side in round % 2 == 0 ? sides : sides.AsEnumerable().Reverse())
            {
                var r = new Report { Options = options, Machine = machine, StartedAt = started, Ceilings = before };
                if (rounds > 1 || sides.Count > 1)
                {
                    Progress.Show($"phase {key}, round {round + 1}/{rounds}, {side.Name} ({side.Label})");
                    r.Notes.Add($"{key}, {side.Name}: round {round + 1} started {DateTime.UtcNow:HH:mm:ss} UTC, load average {LoadAverage.Text()}");
                }
                foreach (var p in phases.Where(p => p.Key == key)) await Phase(r, p.Key, p.Name, dll => p.Run(r, dll), side.Dll);
                // A smoke run's ratios mean nothing: it measures its ceilings once, before the first phase, not after each of its
                // phases as well (29 passes of some 3 s each across the suite's three lanes).
                var after = options.Smoke ? before
                    : await CeilingsAsync(schedule, $"after {key}{(sides.Count > 1 ? $" ({side.Name})" : "")}, round {round + 1}", report.Notes);
                r.Ceilings = CeilingSchedule.Between(before, after);
                units.Add(new BenchUnit(key, side.Name, round, r, before, after));
                before = after;
            }
    if (sides.Count > 1) report.Ab = new AbReport(sides, units);

    Progress.Done();
    var markdown = report.Ab is { } ab ? ab.ToMarkdown(report) : RunReport.ToMarkdown(report, units);
    Console.WriteLine(markdown);
    var resultsDir = Path.Combine(repoRoot, "bench", "results");
    Directory.CreateDirectory(resultsDir);
    // A partial run (--only) does not overwrite the full report, nor does a smoke or an A/B run.
    var name = options.Only is { } only ? $"latest-{string.Join('-', only.Order())}" : "latest";
    if (options.AbRef is not null) name += "-ab";
    else if (roundsPerSide > 1) name += $"-x{roundsPerSide}";
    if (options.Smoke) name += "-smoke";
    var resultsFile = Path.Combine(resultsDir, name + ".md");
    await File.WriteAllTextAsync(resultsFile, markdown);
    Console.WriteLine($"written to {resultsFile}");
    failed = report.Notes.Concat(units.SelectMany(u => u.Report.Notes)).Any(n => n.StartsWith("Phase '"));
}
finally
{
    Progress.Show("stopping embedded PostgreSQL");
    try { await cluster.StopAsync(); }
    catch (Exception ex) { Console.Error.WriteLine($"stopping PostgreSQL failed: {ex.Message}"); }
    Progress.Done();
    try { Directory.Delete(dataDir, recursive: true); } catch { /* best effort */ }
}
// A failed phase does not stop the others, but the run says so in its exit code (the smoke spec reads it).
return failed ? 1 : 0;

// The phases in the order they run; each writes its figures into the report it is given, against the service build given.
IEnumerable<BenchPhase> Phases() =>
[
    new("accept", "accept and end-to-end (Mode=all)", async (report, dll) =>
    {
        var cs = await CreateDatabaseAsync("service");
        await using var db = NpgsqlDataSource.Create(cs);
        Progress.Show("starting the service in Mode=all");
        await using var service = await ServiceProcess.StartAsync(dll, cs, "all");

        // The first window after start is cold (JIT, tiering, pools, the first burst of wake-ups): reported apart, not the figure.
        report.AcceptWarmUp = await AcceptLoad.ClosedLoopAsync(service.BaseAddress, BenchOptions.AcceptClients, options.AcceptDuration,
            "accept warm-up (first window after start)", cost: (db, "accept, Mode=all, first window after start (warm-up)"));
        await QueueWatch.WaitDrainedAsync(db, TimeSpan.FromSeconds(180), "after the warm-up: waiting for the workers");
        await service.WaitJitSettledAsync(options.JitSettleTimeout);

        var sustained = await UnitMeter.StartAsync(db, "accept and deliver, Mode=all (peak window through its drain)");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        report.Accept = await AcceptLoad.ClosedLoopAsync(service.BaseAddress, BenchOptions.AcceptClients, options.AcceptDuration, "peak accept",
            cost: (db, "accept, Mode=all peak (workers delivering meanwhile)"));
        await QueueWatch.WaitDrainedAsync(db, TimeSpan.FromSeconds(180), "after peak: waiting for the workers");
        report.AcceptAndDeliver = (report.Accept.Accepted, clock.Elapsed);
        await sustained.StopAsync(report.Accept.Accepted, "send accepted and delivered");

        // The p99s are the median of a few windows each: one window's p99 rests on its 50–100 slowest requests, and one
        // stall of the loaded host in it moved that figure 1.5–2.4× between runs (BENCHMARKS.md, "Where the spread comes from").
        // Half the first round's peak, for every round of either build: a round's own half peak loaded the builds and the
        // rounds unequally (3,500–4,130/s over five runs), and a p99 near a loaded host's knee moves with its load.
        var half = halfRate ??= Math.Max(1, Math.Round(report.Accept.AcceptedPerSec / 2));
        for (var w = 1; w <= options.LatencyWindows; w++)
        {
            report.HalfRateWindows.Add(await AcceptLoad.OpenLoopAsync(service.BaseAddress, half, options.HalfRateDuration,
                $"half rate {half:N0}/s, window {w}/{options.LatencyWindows}", leadIn: BenchOptions.HalfRateLeadIn));
            await QueueWatch.WaitDrainedAsync(db, TimeSpan.FromSeconds(180), "after half rate: waiting for the workers");
        }
        for (var w = 1; w <= options.LatencyWindows; w++)
            report.EndToEndWindows.Add(await EndToEndLatency.MeasureAsync(service, db, options.EndToEndRate, options.EndToEndDuration));
        report.RssAfterAcceptMiB = service.RssMiB();
    }),
    new("accept", "accept alone (Mode=api) and its delivery alone (Mode=worker): CPU per send, and what one Mode=all process should reach", async (report, dll) =>
        report.AcceptSplit = await AcceptSplitRun.MeasureAsync(dll, await CreateDatabaseAsync("accept_split"), options.AcceptDuration, options.JitSettleTimeout)),
    new("tenant-limits", "per-tenant rate limits: a flooding tenant beside a quiet one (two Mode=api replicas)", async (report, dll) =>
        report.TenantFlood = await TenantFloodRun.MeasureAsync(dll, await CreateDatabaseAsync("tenant_limits"), options.FloodDuration,
            BenchOptions.QuietTenantRate, BenchOptions.FloodClients, BenchOptions.FloodRate)),
    new("retention", "retention: purging expired notifications while accepting at half the peak rate (Mode=all)", async (report, dll) =>
        report.Retention = await RetentionRun.MeasureAsync(dll, await CreateDatabaseAsync("retention"), options.RetentionRows, options.RetentionWindow)),
    new("inbox", "inbox: unread-count and the first page over a large inbox (Mode=api), beside the same statements direct", async (report, dll) =>
        report.Inbox = await InboxRun.MeasureAsync(dll, await CreateDatabaseAsync("inbox"), options.InboxRows, options.InboxUsers,
            options.InboxClients, options.AcceptDuration, options.JitSettleTimeout)),
    new("console", "console: every page over 1 M notifications, and its indexes' cost on accept (Mode=all; accept in Mode=api)", async (report, dll) =>
        report.Console = await ConsoleRun.MeasureAsync(dll, repoRoot, CreateDatabaseAsync, options.ConsoleRows, options.ConsoleRequests,
            options.AcceptDuration, options.ConsoleAcceptPairs)),
    new(RecipientsRun.Phase, "recipients: bulk identify (Mode=api), then erase of a big user beside accept (Mode=all)", async (report, dll) =>
        report.Recipients = await RecipientsRun.MeasureAsync(dll, CreateDatabaseAsync, options)),
    new(TenantDeleteRun.Phase, "tenant delete: a tenant with 1 M notifications deleted beside another tenant's accept (Mode=all), then a sweep of every column", async (report, dll) =>
        report.TenantDelete = await TenantDeleteRun.MeasureAsync(dll, await CreateDatabaseAsync("tenant_delete"), options)),
    new("topics", "topics: a fan-out's rate and accept latency, live events to topics over open streams", async (report, dll) =>
        report.Topics = await TopicsPhase.MeasureAsync(dll, CreateDatabaseAsync, TopicsBenchOptions.Parse(args, options.Quick, options.Smoke))),
    new(ByUserRun.Phase, "send by userId vs with the address: accept (Mode=api) and dispatch (Mode=worker), alternating rounds", async (report, dll) =>
        report.ByUser = await ByUserRun.MeasureAsync(dll, CreateDatabaseAsync, options)),
    new("workflows", "workflows: triggers, steps/s, due delays, waiting runs (Mode=api/worker/all)", async (report, dll) =>
        report.Workflows = await NotificationService.Bench.Workflows.WorkflowsRun.MeasureAsync(dll, CreateDatabaseAsync,
            report.Ceilings?.BatchInsertRowsPerSec ?? double.NaN, options)),
    new(NotificationService.Bench.Digests.DigestsRun.Phase, "digest: events absorbed into windows, then windows ending in the same minute to their digests' provider calls (Mode=all)", async (report, dll) =>
        report.Digests = await NotificationService.Bench.Digests.DigestsRun.MeasureAsync(dll, CreateDatabaseAsync,
            report.Ceilings?.BatchInsertRowsPerSec ?? double.NaN, options)),
    new("sse", "sse: concurrent end-user streams on one instance, accept-to-event latency (Mode=all)", async (report, dll) =>
        report.Sse = await SseRun.MeasureAsync(dll, await CreateDatabaseAsync("sse"), options.SseConnections, options.SseRate, options.SseDuration,
            options.SseSettle)),
    new("dispatch", "dispatch (Mode=api then Mode=worker)", async (report, dll) =>
        report.Dispatch = await DispatchRun.MeasureAsync(dll, await CreateDatabaseAsync("dispatch"), options.DispatchTimedJobs,
            warmUp: DispatchWarmUp.Plan.For(options.DispatchJobs, options))),
    new(NotificationService.Bench.HangfireJobs.HangfireRun.Phase, "hangfire: one delivery's bookkeeping as Hangfire.PostgreSql jobs, then the service's dispatch of as many, both vs the claim ceiling", async (report, dll) =>
        report.Hangfire = await NotificationService.Bench.HangfireJobs.HangfireRun.MeasureAsync(dll, CreateDatabaseAsync, options.DispatchJobs,
            DispatchWarmUp.Plan.For(options.DispatchJobs, options))),
    new(NotificationService.Bench.Floor.FloorRun.Phase, "floor: a sandbox delivery's writes as one statement per 100 jobs, step by step, " +
        "each vs the claim ceiling drained in the same round (no service)", async (report, _) =>
        report.Floor = await NotificationService.Bench.Floor.FloorRun.MeasureAsync(await CreateDatabaseAsync("floor"),
            options.Smoke ? 2_000 : options.ClaimPrefillRows)),
    new("preferences", "dispatch with preferences in force vs without, in pairs (Mode=api then Mode=worker)", async (report, dll) =>
        report.Preferences = await PreferencesDispatchRun.MeasureAsync(dll, CreateDatabaseAsync, options.DispatchJobs, options.Quick ? 1 : 2)),
    new("providers", "provider dispatch through SendGrid, Twilio and chat (Slack, Teams, Discord) fakes (Mode=api then Mode=worker)", async (report, dll) =>
        report.ProviderDispatch = await ProviderDispatchRun.MeasureAsync(dll, await CreateDatabaseAsync("providers"), options.ProviderMessages)),
    new("providers", "provider adapters in-process: SendGrid and Twilio allocations per send, SMTP pooled vs one connection per message", async (report, _) =>
        report.ProviderAdapters = await AdapterRun.MeasureAsync(Math.Min(options.ProviderMessages, 20_000), Math.Min(options.ProviderMessages, 2_000))),
    new("batches", "batches (Mode=api)", async (report, dll) =>
    {
        var cs = await CreateDatabaseAsync("batches");
        await using var service = await ServiceProcess.StartAsync(dll, cs, "api");
        await using var db = NpgsqlDataSource.Create(cs);
        report.Batches = await BatchLoad.MeasureAsync(service.BaseAddress, db, BenchOptions.BatchClients, options.AcceptDuration, options.BatchWarmUp);
    }),
    new("bulk", "CSV bulk job, enqueue alone (only the bulk queue is worked)", async (report, dll) =>
        report.BulkEnqueueOnly = await BulkRun.MeasureAsync(dll, await CreateDatabaseAsync("bulk_enqueue"), options.BulkRows, enqueueOnly: true, options.JitSettleTimeout)),
    new("bulk", "CSV bulk job (Mode=all)", async (report, dll) =>
        report.Bulk = await BulkRun.MeasureAsync(dll, await CreateDatabaseAsync("bulk"), options.BulkRows, enqueueOnly: false, options.JitSettleTimeout)),
    new("webhooks", "webhooks out (Mode=api then Mode=worker)", async (report, dll) =>
        report.WebhooksOut = await NotificationService.Bench.Webhooks.WebhooksOutRun.MeasureAsync(dll, await CreateDatabaseAsync("webhooks_out"), options.WebhookDeliveries, options)),
    new("webhooks", "webhooks in: provider callbacks (Mode=api)", async (report, dll) =>
        report.CallbacksIn = await NotificationService.Bench.Webhooks.CallbacksInRun.MeasureAsync(dll, await CreateDatabaseAsync("callbacks_in"), options.CallbackEvents)),
    new("webhooks", "webhooks in: Twilio callbacks, one event per request (Mode=api)", async (report, dll) =>
        report.TwilioCallbacksIn = await NotificationService.Bench.Webhooks.TwilioCallbacksRun.MeasureAsync(dll, await CreateDatabaseAsync("twilio_in"), options.CallbackEvents / 5, options.JitSettleTimeout)),
    new("webhook-insert", "webhook delivery insert with and without the notification id (migration 470), alternating", async (report, dll) =>
        report.WebhookInsert = await NotificationService.Bench.Webhooks.WebhookInsertRun.MeasureAsync(dll, await CreateDatabaseAsync("webhook_insert"),
            options.CeilingDuration, options.Quick ? 2 : 3)),
    new(NotificationService.Bench.RenderIsolation.IsolationRun.Phase, "render isolation: a 100-item loop rendered under full CPU load, then three tenants' bodies from one template key, concurrent send-batch, each compared with its render alone (Mode=all)", async (report, dll) =>
    {
        var result = await NotificationService.Bench.RenderIsolation.IsolationRun.MeasureAsync(dll, await CreateDatabaseAsync("render_isolation"),
            options.IsolationBodiesPerTenant, options.IsolationClientsPerTenant, options.Smoke ? 5_000 : options.Quick ? 100_000 : 1_000_000);
        report.Isolation = result;
        if (!result.LoadHeld)
            throw new InvalidOperationException(
                $"under load {result.Load!.LimitFailures:N0} of {result.Load.Renders:N0} renders stopped by the budget, {result.Load.Differences:N0} differ");
        if (!result.Isolated)
            throw new InvalidOperationException($"{result.Differences:N0} of {result.Compared:N0} bodies differ from their render alone; {result.Planned - result.Compared:N0} of {result.Planned:N0} never arrived");
    }),
    new(NotificationService.Bench.Client.ClientLatencyRun.Phase, "client: send latency through the .NET client vs HttpClient by hand, alternating rounds (Mode=api)", async (report, dll) =>
        report.ClientLatency = await NotificationService.Bench.Client.ClientLatencyRun.MeasureAsync(dll, await CreateDatabaseAsync("client_latency"), options)),
    new("templated-accept", "accept with a template vs inline content (Mode=all, then Mode=api)", async (report, dll) =>
    {
        foreach (var mode in new[] { "all", "api" })
            report.TemplatedAccept.Add(await TemplatedAcceptComparison.MeasureAsync(dll, await CreateDatabaseAsync($"templated_{mode}"),
                mode, options.AcceptDuration, options.TemplatedPairs));
    }),
];

async Task<string> HeadDllAsync()
{
    if (options.ServiceDll is { } given)
        return File.Exists(given) ? Path.GetFullPath(given) : throw new FileNotFoundException("--service-dll: no such file", given);
    Progress.Show("building the service (Release)");
    return await ServiceProcess.BuildAsync(repoRoot);
}

// One measurement of the ceilings, on an empty database of its own that is dropped after. A failed one is noted and
// the previous one stands in for it (the first has none: the run fails as it did before).
async Task<CeilingResults> CeilingsAsync(CeilingSchedule schedule, string when, List<string> notes)
{
    phaseDll = "";   // no build: an empty database, not a seeded copy
    var connectionString = await CreateDatabaseAsync($"ceilings_{schedule.Taken.Count}");
    try
    {
        var measured = await PostgresCeilings.MeasureAsync(connectionString, options);
        schedule.Add(measured, when);
        return measured;
    }
    catch (Exception ex) when (schedule.Taken.Count > 0)
    {
        notes.Add($"Ceilings {when} failed ({ex.Message.Split('\n')[0]}); the previous measurement stands in.");
        return schedule.Taken[^1];
    }
    finally { await DropPhaseDatabasesAsync(); Progress.Done(); }
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

// A phase that runs a service build gets a copy of a database that build migrated and seeded once in this run, so its
// service starts find nothing to migrate and no demo template to compile: a start on an empty database spent most of its
// CPU on those, ~45 times in a smoke run. The ceilings run on an empty database, as before.
async Task<string> CreateDatabaseAsync(string name)
{
    var template = phaseDll.Length > 0 ? await SeededDatabaseAsync(phaseDll) : null;
    await using var admin = new NpgsqlConnection(cluster.ConnectionString);
    await admin.OpenAsync();
    await using var cmd = new NpgsqlCommand($"create database bench_{name}" + (template is null ? "" : $" template {template}"), admin);
    await cmd.ExecuteNonQueryAsync();
    phaseDatabases.Add($"bench_{name}");
    if (template is not null) ServiceProcess.SeededCopyNames[$"bench_{name}"] = true;
    return new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Database = $"bench_{name}" }.ConnectionString;
}

// One per service build (an --ab run has two, whose migrations may differ), made on first use and kept for the run.
async Task<string> SeededDatabaseAsync(string dll)
{
    if (seededDatabases.TryGetValue(dll, out var made)) return made;
    var name = $"bench_seeded_{seededDatabases.Count}";
    await using (var admin = new NpgsqlConnection(cluster.ConnectionString))
    {
        await admin.OpenAsync();
        await using var cmd = new NpgsqlCommand($"create database {name}", admin);
        await cmd.ExecuteNonQueryAsync();
    }
    Progress.Show($"migrating and seeding {name}, the database each phase's is a copy of");
    await ServiceProcess.SeedDatabaseAsync(dll, new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Database = name }.ConnectionString);
    return seededDatabases[dll] = name;
}

// A failed phase is reported, not fatal: the other figures still count. Its databases go either way, so the next round
// of an `--ab` run can make them again. Costs measured meanwhile (UnitMeter) land in the phase's report.
async Task Phase(Report report, string key, string name, Func<string, Task> run, string dll = "")
{
    UnitMeter.Sink.Value = report.UnitCosts;
    phaseDll = dll;
    var figuresBefore = report.FigureCount();
    var cost = await PhaseCost.StartAsync(cluster.ConnectionString);
    string? failure = null;
    try { await run(dll); }
    catch (Exception ex)
    {
        Progress.Done();
        Console.Error.WriteLine($"phase '{name}' failed: {ex}");
        failure = ex.Message.Split('\n')[0];
        report.Notes.Add($"Phase '{name}' failed: {failure}");
    }
    finally
    {
        UnitMeter.Sink.Value = null;
        await DropPhaseDatabasesAsync();
    }
    report.PhasesRun.Add(new PhaseOutcome(key, name, report.FigureCount() - figuresBefore, failure));
    Progress.Show(cost.Describe(name));
    Progress.Done();
}

/// <summary>One phase: its `--only` key, its name in the report, and what it runs (into a report, against a service build).</summary>
sealed record BenchPhase(string Key, string Name, Func<Report, string, Task> Run);

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
