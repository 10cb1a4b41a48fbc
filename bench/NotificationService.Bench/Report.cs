using System.Globalization;
using System.Text;
using NotificationService.Bench.Ceilings;
using NotificationService.Bench.Service;

namespace NotificationService.Bench;

/// <summary>All figures of one run: each service figure beside its PostgreSQL ceiling and its target.</summary>
public sealed class Report
{
    public required BenchOptions Options { get; init; }
    public required Machine Machine { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    /// <summary>What this report's ratios divide by: for a round, the mean of the ceilings measured just before and after it.</summary>
    public CeilingResults? Ceilings { get; set; }
    /// <summary>Every ceiling measurement of the run (the run's header shows them with their spread).</summary>
    public CeilingSchedule? CeilingSchedule { get; set; }
    public LoadResult? Accept { get; set; }
    /// <summary>The Mode=all service's first closed-loop window after start (cold): reported apart from the figure.</summary>
    public LoadResult? AcceptWarmUp { get; set; }
    /// <summary>The peak window's sends and the time from its start until they were all delivered (Mode=all).</summary>
    public (long Sends, TimeSpan Elapsed)? AcceptAndDeliver { get; set; }
    public AcceptSplitResult? AcceptSplit { get; set; }
    /// <summary>The open-loop windows at half the peak rate (Mode=all); the p99 reported is their median.</summary>
    public List<LoadResult> HalfRateWindows { get; } = [];
    public DispatchResult? Dispatch { get; set; }
    public IReadOnlyList<PreferencesPair>? Preferences { get; set; }
    /// <summary>The accept → provider call windows at the end-to-end rate; each percentile reported is their median.</summary>
    public List<EndToEndResult> EndToEndWindows { get; } = [];
    public double? RssAfterAcceptMiB { get; set; }
    public BatchResult? Batches { get; set; }
    public BulkResult? Bulk { get; set; }
    public BulkResult? BulkEnqueueOnly { get; set; }
    public Webhooks.WebhooksOutResult? WebhooksOut { get; set; }
    public Webhooks.CallbacksInResult? CallbacksIn { get; set; }
    public Webhooks.CallbacksInResult? TwilioCallbacksIn { get; set; }
    public Webhooks.WebhookInsertResult? WebhookInsert { get; set; }
    public IReadOnlyList<Providers.ProviderDispatchResult>? ProviderDispatch { get; set; }
    public Providers.AdapterResults? ProviderAdapters { get; set; }
    public List<TemplatedAcceptResult> TemplatedAccept { get; } = [];
    public TenantFloodResult? TenantFlood { get; set; }
    public RetentionBenchResult? Retention { get; set; }
    public InboxBenchResult? Inbox { get; set; }
    public ConsoleBenchResult? Console { get; set; }
    public SseBenchResult? Sse { get; set; }
    public RecipientsBenchResult? Recipients { get; set; }
    public TenantDeleteMeasure? TenantDelete { get; set; }
    public TopicsBenchResult? Topics { get; set; }
    public ByUserResult? ByUser { get; set; }
    public Workflows.WorkflowsBenchResult? Workflows { get; set; }
    public Digests.DigestsBenchResult? Digests { get; set; }
    public RenderIsolation.IsolationResult? Isolation { get; set; }
    public Client.ClientLatencyResult? ClientLatency { get; set; }
    public HangfireJobs.HangfireBenchResult? Hangfire { get; set; }
    public Floor.FloorResult? Floor { get; set; }
    public List<string> Notes { get; } = [];
    /// <summary>What a unit of each phase's work cost (CPU, statements, rows written), one entry per measured window.</summary>
    public List<Costs.UnitCost> UnitCosts { get; } = [];
    /// <summary>Every phase this report ran, with how many figures it added (the bench smoke spec reads this).</summary>
    public List<PhaseOutcome> PhasesRun { get; } = [];

    /// <summary>Figures so far: service-table rows with a value, and costs per unit measured over at least one unit.</summary>
    public int FigureCount() => Rows().Count(r => !double.IsNaN(r.Value)) + UnitCosts.Count(c => c.Units > 0)
        // Phases with report sections of their own: each measured figure they hold.
        + (Recipients is { } rc ? rc.Erases.Select(e => e.EraseTime.TotalSeconds).Append(rc.IdentifyPerSec).Count(v => double.IsFinite(v) && v > 0) : 0)
        + (Topics is { } tp ? (tp.FanOut is null ? 0 : 1) + (tp.Events is null ? 0 : 1) : 0)
        + (ByUser?.FigureCount ?? 0)
        + (ClientLatency?.FigureCount ?? 0)
        + (TenantDelete?.FigureCount ?? 0);

    /// <summary>Set for an `--ab` run: the per-round reports of both builds, rendered side by side.</summary>
    public Ab.AbReport? Ab { get; set; }

    /// <summary>While set, every <see cref="Row"/> rendered on this thread is also kept here (the `--ab` report pairs them).</summary>
    [ThreadStatic] internal static List<Ab.AbRow>? Capture;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static string P99s(IEnumerable<FloodWindow> windows) => string.Join(" / ", windows.Select(w => w.Quiet.P99.ToString("0", Inv)));

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        AppendHeader(sb);
        AppendServiceTable(sb);
        AppendDetails(sb);
        return sb.ToString();
    }

    /// <summary>The service table's rows as numbers (rendered into a scratch buffer).</summary>
    public List<Ab.AbRow> Rows() => Captured(includeDetails: false);

    /// <summary>
    /// Every figure the round reports as a row, also those of the sections under "Details" (topics, console, recipients,
    /// send by userId): what `--ab` sets side by side. With the service table's alone, an `--ab` run of those phases
    /// showed an empty table.
    /// </summary>
    public List<Ab.AbRow> AbRows() => Captured(includeDetails: true);

    private List<Ab.AbRow> Captured(bool includeDetails)
    {
        Capture = [];
        try
        {
            AppendServiceTable(new StringBuilder());
            if (includeDetails) AppendDetails(new StringBuilder());
            return Capture;
        }
        finally { Capture = null; }
    }

    public void AppendHeader(StringBuilder sb)
    {
        sb.AppendLine($"# NotificationService benchmark{(Options.Quick ? " (--quick: smoke sizes, not comparable)" : "")}");
        sb.AppendLine();
        sb.AppendLine($"Run {StartedAt:yyyy-MM-dd HH:mm} UTC. Machine: {Machine.Cores} cores ({Machine.CpuModel}), {Machine.Memory} RAM, " +
                      $"PostgreSQL {Machine.PostgresVersion} (embedded cluster on the same machine, loopback), .NET {Machine.DotnetVersion}.");
        sb.AppendLine("The service, the load generator and PostgreSQL share the cores; across hosts compare ratios to the PostgreSQL ceilings measured " +
                      "either side of each round and the costs per unit of work (CPU µs, statements, WAL bytes), not rates.");
        if (Options.ServiceEnv.Count > 0)
            sb.AppendLine($"The service processes ran with `--service-env` {string.Join(", ", Options.ServiceEnv.Select(e => $"`{e.Key}={e.Value}`"))}.");
        if (Options.PostgresSettings.Count > 0)
            sb.AppendLine($"PostgreSQL ran with `--pg-setting` {string.Join(", ", Options.PostgresSettings.Select(e => $"`{e.Key}={e.Value}`"))} over the embedded defaults.");
        sb.AppendLine();

        if (CeilingSchedule is { } schedule) { schedule.Append(sb, Options); return; }
        sb.AppendLine("## PostgreSQL ceilings (Npgsql, fresh database)");
        sb.AppendLine();
        sb.AppendLine("| ceiling | value |");
        sb.AppendLine("|---|---:|");
        if (Ceilings is { } c)
        {
            sb.AppendLine($"| single-row insert commits/s, {BenchOptions.SingleInsertConnections} connections, {Options.CeilingDuration.TotalSeconds:0} s | {c.SingleInsertCommitsPerSec:N0} |");
            sb.AppendLine($"| 100-row batch inserts (unnest), rows/s, {BenchOptions.BatchInsertConnections} connections | {c.BatchInsertRowsPerSec:N0} |");
            sb.AppendLine($"| SKIP LOCKED claim-and-delete 100 at a time, jobs/s, {BenchOptions.ClaimConnections} connections, {Options.ClaimPrefillRows:N0} rows, median of {PostgresCeilings.ClaimSamples(Options)} | {c.ClaimDeleteJobsPerSec:N0} |");
        }
        else sb.AppendLine("| (not measured) | |");
        sb.AppendLine();
    }

    public void AppendServiceTable(StringBuilder sb)
    {
        sb.AppendLine("## Service");
        sb.AppendLine();
        sb.AppendLine("| measurement | service | ceiling | ratio | target | met |");
        sb.AppendLine("|---|---:|---:|---:|---|---|");
        if (Accept is { } a)
        {
            Row(sb, $"accept rate, {BenchOptions.AcceptClients} clients closed loop, {Options.AcceptDuration.TotalSeconds:0} s (sends/s)",
                a.AcceptedPerSec, Ceilings?.SingleInsertCommitsPerSec, "≥ 5,000/s", a.AcceptedPerSec >= 5000);
            Row(sb, "accept latency p50 at peak (ms)", a.LatencyMs.P50, null, "", null, "0.0");
            Row(sb, "accept latency p99 at peak (ms)", a.LatencyMs.P99, null, "", null, "0.0");
        }
        if (AcceptWarmUp is { } aw)
            Row(sb, $"accept rate, Mode=all, first {Options.AcceptDuration.TotalSeconds:0} s window after start (warm-up, not the figure above) (sends/s)",
                aw.AcceptedPerSec, Ceilings?.SingleInsertCommitsPerSec, "", null);
        if (AcceptAndDeliver is { } ad)
            Row(sb, "accept and deliver, Mode=all: the peak window's sends ÷ (its start → all delivered) (sends/s)", ad.Sends / ad.Elapsed.TotalSeconds,
                Ceilings?.SingleInsertCommitsPerSec, "", null);
        if (AcceptSplit is { } sp)
        {
            Row(sb, $"accept alone, Mode=api, after a {Options.AcceptDuration.TotalSeconds:0} s warm-up (sends/s)", sp.Accept.AcceptedPerSec,
                Ceilings?.SingleInsertCommitsPerSec, "≥ 0.8 × ceiling", Ceilings is { } c1 ? sp.Accept.AcceptedPerSec >= 0.8 * c1.SingleInsertCommitsPerSec : null);
            Row(sb, "accept alone, Mode=api: its warm-up window (sends/s)", sp.WarmUp.AcceptedPerSec, Ceilings?.SingleInsertCommitsPerSec, "", null);
            Row(sb, "CPU per accepted send, Mode=api: service (µs)", sp.AcceptCost.ServiceMicros, null, "", null, "0.0");
            Row(sb, "CPU per accepted send, Mode=api: PostgreSQL (µs)", sp.AcceptCost.PostgresMicros, null, "", null, "0.0");
            Row(sb, "CPU per accepted send, Mode=api: bench (load generator) (µs)", sp.AcceptCost.BenchMicros, null, "", null, "0.0");
            Row(sb, "CPU per delivered notification (those sends), Mode=worker: worker (µs)", sp.DeliverCost.ServiceMicros, null, "", null, "0.0");
            Row(sb, "CPU per delivered notification (those sends), Mode=worker: PostgreSQL (µs)", sp.DeliverCost.PostgresMicros, null, "", null, "0.0");
            Row(sb, "CPU per delivered notification (those sends), Mode=worker: its tiered-compilation thread (µs)",
                sp.JitDuring.TotalMicroseconds / Math.Max(1, sp.DeliverCost.Units), null, "", null, "0.0");
            Row(sb, "sends the worker delivered before those (its warm-up) ÷ those", (double)sp.WarmedOn / Math.Max(1, sp.DeliverCost.Units),
                null, "", null, "0.00");
            Row(sb, $"predicted Mode=all rate: {sp.Cores} cores ÷ the CPU per send above, accept + delivery ({sp.MicrosPerSend:0} µs) (sends/s)",
                sp.PredictedPerSec, null, "", null);
            if (Accept is { } a4)
                Row(sb, "Mode=all peak accept ÷ predicted", a4.AcceptedPerSec / sp.PredictedPerSec, null, "≥ 0.8", a4.AcceptedPerSec / sp.PredictedPerSec >= 0.8, "0.00");
            if (AcceptAndDeliver is { } ad2)
                Row(sb, "Mode=all accept and deliver ÷ predicted", ad2.Sends / ad2.Elapsed.TotalSeconds / sp.PredictedPerSec, null, "≥ 0.8",
                    ad2.Sends / ad2.Elapsed.TotalSeconds / sp.PredictedPerSec >= 0.8, "0.00");
        }
        if (HalfRateWindows is [var h, ..])
        {
            var p99 = MedianOf(HalfRateWindows, w => w.LatencyMs.P99, out var each);
            Row(sb, $"accept latency p99 at half rate, open loop {h.OfferedPerSec:N0}/s, median of {HalfRateWindows.Count} windows of " +
                $"{Options.HalfRateDuration.TotalSeconds:0} s (ms; windows: {each})", p99, null, "≤ 25 ms", p99 <= 25, "0.0");
            Row(sb, "accept latency p50 at half rate (ms)", MedianOf(HalfRateWindows, w => w.LatencyMs.P50, out _), null, "", null, "0.0");
            if (h.LeadInLatencyMs is not null)
                Row(sb, $"accept latency p99 at half rate: the {BenchOptions.HalfRateLeadIn.TotalSeconds:0} s lead-in from idle before each window, " +
                    "not in the figure above (ms)", MedianOf(HalfRateWindows, w => w.LeadInLatencyMs?.P99 ?? double.NaN, out _), null, "", null, "0.0");
        }
        if (TenantFlood is { } f)
        {
            var baseline = TenantFloodResult.MedianP99(f.ByFlood.Single(g => g.Key == "none"));
            var rounds = $"median of {f.Rounds} rounds of {f.Duration.TotalSeconds:0} s";
            string Cpu(IEnumerable<FloodWindow> ws) =>
                $"CPU s per window (median): bench client {TenantFloodResult.Median(ws.Select(w => w.ClientCpu)):0.00}, two replicas {TenantFloodResult.Median(ws.Select(w => w.ServiceCpu)):0.00}, PostgreSQL {TenantFloodResult.Median(ws.Select(w => w.PostgresCpu)):0.00}; load {string.Join(" / ", ws.Select(w => w.Load.ToString("0.0", Inv)))}";
            var alone = f.ByFlood.Single(g => g.Key == "none");
            Row(sb, $"quiet tenant accept p99, {f.QuietRate:N0}/s open loop over two API replicas (refusals held up to {f.HoldRefusalsMs} ms), alone, {rounds} (ms; rounds: {P99s(alone)}); {Cpu(alone)}",
                baseline, null, "", null, "0.0");
            foreach (var g in f.ByFlood.Where(g => g.Key != "none"))
            {
                var p99 = TenantFloodResult.MedianP99(g);
                var ratio = p99 / baseline;
                var perWindowRatios = string.Join(" / ", g.Zip(alone, (w, q) => (w.Quiet.P99 / q.Quiet.P99).ToString("0.00", Inv)));
                // What the limiter controls: a flood against the same tenant sending only what its limit admits.
                var neighbour = f.ByFlood.FirstOrDefault(n => n.Key.StartsWith("at its limit"));
                var toNeighbour = neighbour is null || neighbour == g ? "" : $"; ratio to the neighbour at its limit {p99 / TenantFloodResult.MedianP99(neighbour):0.00}";
                Row(sb, $"quiet tenant accept p99 beside another tenant sending {g.Key}, {rounds} (ms; rounds: {P99s(g)}; each to its round's alone: {perWindowRatios}); ratio to alone {ratio:0.00}{toNeighbour}; {Cpu(g)}",
                    p99, null, "≤ 1.2 × alone", ratio <= 1.2 && g.All(w => w.QuietErrors == 0), "0.0");
                // A window lasts as long as the quiet tenant's last answer takes (seconds on a loaded host): its limit is
                // 200/s over the window's own length plus the burst.
                static double Limit(FloodWindow w) => TenantFloodRun.FloodLimit * w.Seconds + 400;
                var openLoop = g.Key.StartsWith("open loop");
                Row(sb, $"that tenant ({g.Key}): requests sent per s {string.Join(", ", g.Select(w => (w.FloodSent / w.Seconds).ToString("N0", Inv)))}; accepted per window {string.Join(", ", g.Select(w => w.FloodAccepted.ToString("N0", Inv)))} (limit 200/s × window + burst 400: {string.Join(", ", g.Select(w => Limit(w).ToString("N0", Inv)))}); 429s: {string.Join(", ", g.Select(w => w.FloodRefused.ToString("N0", Inv)))}; other: {g.Sum(w => w.FloodOther):N0}",
                    g.Max(w => w.FloodAccepted), Ceilings?.SingleInsertCommitsPerSec, openLoop ? "429s, none past the limit" : "none past the limit",
                    g.All(w => (!openLoop || w.FloodRefused > 0) && w.FloodAccepted <= Limit(w) * 1.01), "N0");
            }
        }
        if (Retention is { } rt)
        {
            var (quiet, purging) = (RetentionBenchResult.Median(rt.QuietP99s), RetentionBenchResult.Median(rt.PurgeP99s));
            string Listed(IEnumerable<double> xs) => string.Join(", ", xs.Select(x => x.ToString("0.0", Inv)));
            Row(sb, $"accept p99 at half the peak ({rt.HalfRate:N0}/s open loop, Mode=all), median of {rt.QuietP99s.Count} quiet windows of {rt.Window.TotalSeconds:0} s (ms; windows: {Listed(rt.QuietP99s)})",
                quiet, null, "", null, "0.0");
            Row(sb, $"accept p99 at the same rate while `retention run` purges {rt.Expired:N0} expired notifications with their history, median of {rt.PurgeP99s.Count} windows (ms; windows: {Listed(rt.PurgeP99s)}); ratio to quiet {purging / quiet:0.00}",
                purging, null, "≤ 1.2 × quiet", purging / quiet <= 1.2 && rt.Left == 0 && rt.Errors == 0, "0.0");
            Row(sb, $"retention: notifications purged per second ({rt.PurgeTime.TotalSeconds:0.0} s in all, {rt.Left:N0} expired left, {rt.Errors:N0} failed sends)",
                rt.Expired / rt.PurgeTime.TotalSeconds, Ceilings?.BatchInsertRowsPerSec, "", null, "N0");
        }
        if (Inbox is { } ib)
        {
            var size = $"{ib.Rows:N0} rows over {ib.Users:N0} users, {ib.Clients} clients closed loop, {ib.Duration.TotalSeconds:0} s";
            Row(sb, $"unread-count over HTTP, {size} (requests/s; ceiling: its statement direct)", ib.CountHttp.PerSec, ib.CountSql.PerSec, "", null);
            Row(sb, "unread-count HTTP p99 (ms)", ib.CountHttp.Ms.P99, null, "≤ 10 ms", ib.CountHttp.Ms.P99 <= 10, "0.00");
            Row(sb, "unread-count statement p99, direct (ms; the server's database time)", ib.CountSql.Ms.P99, null, "≤ 2 ms", ib.CountSql.Ms.P99 <= 2, "0.00");
            Row(sb, "first page (20) over HTTP (requests/s; ceiling: the list statement direct)", ib.ListHttp.PerSec, ib.ListSql.PerSec, "", null);
            Row(sb, "first page HTTP p99 (ms)", ib.ListHttp.Ms.P99, null, "≤ 10 ms", ib.ListHttp.Ms.P99 <= 10, "0.00");
            Row(sb, "first page statement p99, direct (ms)", ib.ListSql.Ms.P99, null, "", null, "0.00");
            if (ib.OneClient is { } one) InboxOneClientRows.Append(sb, one, ib);
        }
        if (Workflows is { } wf) NotificationService.Bench.Workflows.WorkflowsReport.Append(sb, wf);
        if (Digests is { } dg) NotificationService.Bench.Digests.DigestsReport.Append(sb, dg);
        if (Hangfire is { } hf) HangfireJobs.HangfireReport.Append(sb, hf, Ceilings);
        if (Floor is { } fl) NotificationService.Bench.Floor.FloorReport.Append(sb, fl);
        if (Dispatch is { } d)
        {
            Row(sb, $"dispatch, draining {d.Jobs:N0} sandbox-email jobs{(d.WarmUp is { } warm ? $" after a warm-up of {warm.Notifications:N0}" : "")}, Mode=worker (jobs/s)",
                d.JobsPerSec, Ceilings?.ClaimDeleteJobsPerSec,
                "≥ 10,000/s", d.Drained && d.JobsPerSec >= 10000);
            Row(sb, "worker RSS after draining (MiB)", d.RssMiB, null, "≤ 400 MB", d.RssMiB * 1.048576 <= 400, "0");
            Row(sb, "dispatch: CPU per delivered notification, worker (µs)", d.WorkerMicrosPerMessage, null, "", null, "0.0");
            Row(sb, "dispatch: CPU per delivered notification, PostgreSQL (postmaster and its children) (µs)", d.PostgresMicrosPerMessage, null, "", null, "0.0");
            if (d.Writes is { } w) Row(sb, "dispatch: statements per delivered notification", w.Calls / (double)Math.Max(1, d.SandboxMessages), null, "", null, "0.00");
        }
        if (Preferences is { Count: > 0 } prefs)
        {
            foreach (var (pair, i) in prefs.Select((p, i) => (p, i + 1)))
                Row(sb, $"dispatch with preferences in force, pair {i}: {pair.With.Jobs:N0} jobs over {PreferencesDispatchRun.Users:N0} users, with / without ({pair.Without.JobsPerSec:N0} jobs/s without)",
                    pair.With.JobsPerSec, pair.Without.JobsPerSec, "≥ 0.9 × without", pair.With.Drained && pair.Ratio >= 0.9);
            // The worker's CPU per notification is the steadier comparison on a shared host: a noisy neighbour slows one
            // arm's drain more than it changes what each notification costs.
            foreach (var (pair, i) in prefs.Select((p, i) => (p, i + 1)))
                Row(sb, $"pair {i}: worker CPU per delivered notification, with / without (µs)", pair.With.WorkerMicrosPerMessage,
                    pair.Without.WorkerMicrosPerMessage, "", null, "0.0");
        }
        if (EndToEndWindows is [var e, ..])
        {
            // Each figure is the median of the windows' own percentiles.
            double Of(Func<EndToEndResult, double> f) => MedianOf(EndToEndWindows, f, out _);
            Row(sb, $"accept → provider call p50, open loop {e.Load.OfferedPerSec:N0}/s, median of {EndToEndWindows.Count} windows of " +
                $"{Options.EndToEndDuration.TotalSeconds:0} s (ms)", Of(w => w.LatencyMs.P50), null, "", null, "0.0");
            var p99 = MedianOf(EndToEndWindows, w => w.LatencyMs.P99, out var each);
            Row(sb, $"accept → provider call p99 (ms; windows: {each})", p99, null, "≤ 30 ms", p99 <= 30, "0.0");
            // Where the time goes: from accept's transaction to the worker's claim (commit, wake-up, the wait before the
            // next claim), and from the claim to the provider call (the batch's reads, rendering, the send).
            Row(sb, $"accept → claim p50 (ms)", Of(w => w.ToClaimMs.P50), null, "", null, "0.0");
            Row(sb, $"accept → claim p99 (ms)", Of(w => w.ToClaimMs.P99), null, "", null, "0.0");
            Row(sb, $"claim → provider call p50 (ms)", Of(w => w.ClaimToCallMs.P50), null, "", null, "0.0");
            Row(sb, $"claim → provider call p99 (ms)", Of(w => w.ClaimToCallMs.P99), null, "", null, "0.0");
            Row(sb, $"accept latency p99 during those windows (ms)", Of(w => w.Load.LatencyMs.P99), null, "", null, "0.0");
        }
        if (RssAfterAcceptMiB is { } r) Row(sb, "Mode=all RSS after the accept runs (MiB)", r, null, "", null, "0");
        if (Batches is { } bt)
            Row(sb, $"batch API, 1,000-recipient requests, {BenchOptions.BatchClients} clients (recipients/s)", bt.RecipientsPerSec,
                Ceilings?.BatchInsertRowsPerSec, "≥ 50,000/s", bt.RecipientsPerSec >= 50_000);
        if (BulkEnqueueOnly is { } bq)
        {
            Row(sb, $"CSV bulk, enqueue alone (only the bulk queue worked): {bq.Rows:N0} rows, upload → all enqueued (rows/s)", bq.RowsPerSec,
                Ceilings?.BatchInsertRowsPerSec, "≥ 50,000/s (≤ 20 s for 1M)", bq.Status == "completed" && bq.RowsPerSec >= 50_000);
            Row(sb, "CSV bulk, enqueue alone: upload → all enqueued (s)", bq.UploadToEnqueued.TotalSeconds, null, "", null, "0.0");
            Row(sb, "CSV bulk, enqueue alone: CPU per row from upload to all enqueued, service (µs)", bq.ServiceMicrosPerRow, null, "", null, "0.0");
            Row(sb, "CSV bulk, enqueue alone: CPU per row, PostgreSQL (postmaster and its children) (µs)", bq.PostgresMicrosPerRow, null, "", null, "0.0");
            Row(sb, "CSV bulk, enqueue alone: service RSS growth (MiB)", bq.PeakRssMiB - bq.BaselineRssMiB, null, "≤ 200 MB", (bq.PeakRssMiB - bq.BaselineRssMiB) * 1.048576 <= 200, "0");
        }
        if (Bulk is { } bk)
        {
            Row(sb, $"CSV bulk while dispatching (Mode=all): {bk.Rows:N0} rows, upload → all enqueued (rows/s)", bk.RowsPerSec, Ceilings?.BatchInsertRowsPerSec,
                "≥ 50,000/s (≤ 20 s for 1M)", bk.Status == "completed" && bk.RowsPerSec >= 50_000);
            Row(sb, "CSV bulk: upload → all enqueued (s)", bk.UploadToEnqueued.TotalSeconds, null, "", null, "0.0");
            Row(sb, "CSV bulk: service RSS growth during the job (MiB)", bk.PeakRssMiB - bk.BaselineRssMiB, null, "≤ 200 MB", (bk.PeakRssMiB - bk.BaselineRssMiB) * 1.048576 <= 200, "0");
            Row(sb, "CSV bulk: other tenant's single send, accept → provider call p99 (ms)", bk.OtherTenantE2eMs.P99, null, "≤ 500 ms", bk.OtherTenantE2eMs.P99 <= 500, "0.0");
        }
        Webhooks.WebhookRows.AppendRows(sb, this);
        if (ProviderDispatch is { } pd) Providers.ProviderReport.Rows(sb, pd, Ceilings);
        if (ProviderAdapters is { } pa) Providers.ProviderReport.AdapterRows(sb, pa);
        if (Isolation is { } iso) RenderIsolation.IsolationReport.Rows(sb, iso);
        foreach (var t in TemplatedAccept)
        {
            var each = $"Mode={t.Mode}, {BenchOptions.AcceptClients} clients closed loop, {t.Inline.Count} × {Options.AcceptDuration.TotalSeconds:0} s per side, interleaved, each side first in half the pairs";
            Row(sb, $"accept rate, inline content, {each} (sends/s)", t.InlinePerSec, null, "", null);
            Row(sb, $"accept rate, template `order-shipped`, same data, Mode={t.Mode} (sends/s)", t.TemplatedPerSec, null, "", null);
            Row(sb, $"templated ÷ inline accept rate, Mode={t.Mode}", t.Ratio, null, "≥ 0.90", t.Ratio >= 0.90 && t.Errors == 0, "0.00");
        }
        sb.AppendLine();
        Costs.UnitCostReport.AppendTable(sb, UnitCosts);
    }

    /// <summary>The median of a figure over windows, and the windows' own values as the report lists them.</summary>
    private static double MedianOf<T>(IReadOnlyList<T> windows, Func<T, double> figure, out string each)
    {
        var values = windows.Select(figure).ToList();
        each = string.Join(" / ", values.Select(v => v.ToString("0.0", Inv)));
        return Spread.Of(values).Median;
    }

    /// <param name="phases">End with the phases' outcomes (off where a run renders one table for all its rounds).</param>
    public void AppendDetails(StringBuilder sb, bool phases = true)
    {
        sb.AppendLine("## Details");
        sb.AppendLine();
        if (Accept is { } a2) sb.AppendLine($"- Peak accept: {a2.Accepted:N0} accepted, {a2.Errors:N0} errors in {a2.Elapsed.TotalSeconds:0.0} s (service in Mode=all, workers delivering meanwhile).");
        if (HalfRateWindows is [_, ..] hw)
            sb.AppendLine($"- Half rate: {hw.Sum(w => w.Accepted):N0} accepted, {hw.Sum(w => w.Errors):N0} errors over {hw.Count} windows, each after a " +
                          "lead-in from idle; latency measured from each send's scheduled start.");
        if (Dispatch is { WarmUp: { } dw }) sb.AppendLine($"- Dispatch warm-up (not in the rate): {dw.Notifications:N0} delivered {dw.DeliveryTime.TotalSeconds:0.0} s after the worker answered ready " +
                                                       $"(it starts on them before), its JIT idle {dw.JitSettleTime.TotalSeconds:0.0} s later; the timed jobs fell due after that.");
        if (Dispatch is { } d2) sb.AppendLine($"- Dispatch: {(d2.WarmUp is null ? "launch" : "watch")} → first completion {d2.LaunchToFirstCompletion.TotalSeconds:0.0} s (not in the rate), first completion → empty queue {d2.DrainTime.TotalSeconds:0.0} s, " +
                                               $"first half of the jobs at {d2.FirstHalfPerSec:N0}/s, second half at {d2.SecondHalfPerSec:N0}/s, " +
                                               $"{d2.SandboxMessages:N0} notifications reached the sandbox provider, {d2.Dead:N0} dead jobs{(d2.Drained ? "" : ", DID NOT DRAIN within 10 min")}; " +
                                               $"the worker's JIT used {d2.JitDuring.TotalSeconds:0.00} s of CPU during the drain; " +
                                               $"the worker logged {d2.WorkerLogged.Errors} errors and {d2.WorkerLogged.Warnings} warnings" +
                                               (d2.WorkerLogged.FirstError is { } fe ? $" (the first: {fe})." : "."));
        if (Dispatch is { Writes: { } w2 } d3) foreach (var line in w2.Describe(d3.SandboxMessages)) sb.AppendLine(line);
        if (EndToEndWindows is [_, ..] ew)
            sb.AppendLine($"- End to end: {ew.Sum(w => w.Load.Accepted):N0} accepted, {ew.Sum(w => w.Load.Errors):N0} errors, " +
                          $"{ew.Sum(w => w.Delivered):N0} reached the sandbox provider over {ew.Count} windows" +
                          (ew.All(w => w.Drained) ? "." : " (a window's queue did not drain within 120 s)."));
        if (EndToEndWindows is [var e3, ..] && Accept is { } a3 && e3.Load.OfferedPerSec > a3.AcceptedPerSec)
            sb.AppendLine($"- The end-to-end run offered {e3.Load.OfferedPerSec:N0}/s, above the peak accept rate measured in this run ({a3.AcceptedPerSec:N0}/s): " +
                          "requests queued in the load generator and the service, so its latencies are an overload figure, not a 500/s operating point.");
        sb.AppendLine("- Ratios: accept ÷ single-row commits/s; dispatch ÷ claim-and-delete jobs/s. The batch-insert ceiling bounds what group commit could reach.");
        if (Batches is { } bt2) sb.AppendLine($"- Batches: {bt2.Requests:N0} requests, {bt2.Errors:N0} errors, service in Mode=api (no delivery meanwhile), measured after 30 s of the same load unrecorded (the process starts cold). Ratio: recipients/s ÷ 100-row batch-insert rows/s.");
        if (Bulk is { } bk2) sb.AppendLine($"- CSV bulk: {bk2.FileBytes / 1048576.0:N1} MiB file, job ended `{bk2.Status}`; RSS {bk2.BaselineRssMiB:N0} → peak {bk2.PeakRssMiB:N0} MiB; " +
                                            $"the other tenant sent {bk2.OtherSent:N0} single emails (20/s) during the job, {bk2.OtherDelivered:N0} reached the provider, p50 {bk2.OtherTenantE2eMs.P50:N1} ms. " +
                                            $"The service's tiered-compilation thread used {bk2.JitCpu.TotalSeconds:N1} s of CPU during the job" + (BulkEnqueueOnly is { } bq3 ? $" ({bq3.JitCpu.TotalSeconds:N1} s enqueue alone). " : ". ") +
                                            "Both bulk runs first run two unrecorded jobs of a fifth of the rows (at most 200,000; the process starts cold) and, in Mode=all, wait for them to dispatch, then wait (at most 30 s) until the service's tiered-compilation thread has been idle for a second; RSS growth counts from before it. Ratio: rows/s ÷ batch-insert rows/s.");
        Webhooks.WebhookRows.AppendDetails(sb, this);
        if (ProviderDispatch is { } pd2) Providers.ProviderReport.Details(sb, pd2);
        if (ProviderAdapters is { } pa2) Providers.ProviderReport.AdapterDetails(sb, pa2);
        if (Isolation is { } iso2) RenderIsolation.IsolationReport.Details(sb, iso2);
        foreach (var t in TemplatedAccept)
            sb.AppendLine($"- Templated vs inline accept, Mode={t.Mode}, rounds in the order run: " +
                          string.Join(", ", t.Rounds.Select(r => $"{r.Kind} {r.Result.AcceptedPerSec:N0}/s (p99 {r.Result.LatencyMs.P99:N0} ms)")) + $"; {t.Errors:N0} errors.");
        foreach (var n in Notes) sb.AppendLine($"- {n}");
        if (Console is { } con) ConsoleReport.Append(sb, con, Ceilings);
        if (Topics is { } topics) TopicsReport.Append(sb, topics, Ceilings);
        if (Sse is { } sse) SseReport.Append(sb, sse);
        Recipients?.Append(sb, Ceilings);
        TenantDelete?.Append(sb);
        ByUser?.Append(sb, Ceilings);
        ClientLatency?.Append(sb);
        if (phases) AppendPhases(sb, PhasesRun);
    }

    /// <summary>Each known phase: how many figures it reported in this run, or that it failed or did not run.</summary>
    public static void AppendPhases(StringBuilder sb, IEnumerable<PhaseOutcome> phasesRun)
    {
        var ran = phasesRun.ToList();
        sb.AppendLine();
        sb.AppendLine("## Phases");
        sb.AppendLine();
        sb.AppendLine("| phase | figures | outcome |");
        sb.AppendLine("|---|---:|---|");
        foreach (var key in BenchOptions.Phases)
        {
            var runs = ran.Where(p => p.Key == key).ToList();
            var outcome = runs.Count == 0 ? "not run" : runs.FirstOrDefault(p => p.Failure is not null) is { } f ? $"failed: {f.Failure}" : "ok";
            sb.AppendLine($"| {key} | {runs.Sum(p => p.Figures)} | {outcome} |");
        }
    }

    internal static void Row(StringBuilder sb, string name, double value, double? ceiling, string target, bool? met, string format = "N0")
    {
        Capture?.Add(new Ab.AbRow(name, value, ceiling, target, format));
        var ratio = ceiling is { } c && c > 0 ? (value / c).ToString("0.00", Inv) : "";
        var metText = met switch { true => "met", false => "**not met**", null => "" };
        sb.AppendLine($"| {name} | {Fmt(value, format)} | {(ceiling is { } cv ? Fmt(cv, "N0") : "")} | {ratio} | {target} | {metText} |");
    }

    private static string Fmt(double v, string format) => double.IsNaN(v) ? "n/a" : v.ToString(format, Inv);
}
