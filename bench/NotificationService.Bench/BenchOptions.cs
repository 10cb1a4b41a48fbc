namespace NotificationService.Bench;

/// <summary>Sizes and durations of one run; <c>--quick</c> shrinks everything for a short run, <c>--smoke</c> to the least that
/// still runs every step of every phase (the figures mean nothing; the bench smoke spec runs it so no phase breaks unseen).</summary>
public sealed record BenchOptions(
    bool Quick,
    TimeSpan CeilingDuration,
    int ClaimPrefillRows,
    TimeSpan AcceptDuration,
    TimeSpan HalfRateDuration,
    int DispatchJobs,
    TimeSpan EndToEndDuration,
    int EndToEndRate,
    int BulkRows)
{
    public const int SingleInsertConnections = 16;
    public const int BatchInsertConnections = 4;
    public const int BatchSize = 100;
    public const int ClaimConnections = 4;
    public const int AcceptClients = 32;
    /// <summary>The half-rate window's unrecorded lead-in at the same rate (see <see cref="Service.AcceptLoad.OpenLoopAsync"/>).</summary>
    public static TimeSpan HalfRateLeadIn => Waits.Seconds(2);
    /// <summary>Windows the half-rate and end-to-end p99s are each the median of (one at smoke size).</summary>
    public int LatencyWindows => Smoke ? 1 : 3;
    public const int BatchClients = 4;
    /// <summary>Inline/template pairs in the templated-accept comparison (even, so each side goes first equally often).</summary>
    public const int TemplatedAcceptPairs = 4;

    /// <summary>`--smoke`: every phase at the least size that runs all its steps (implies <see cref="Quick"/>).</summary>
    public bool Smoke { get; init; }
    /// <summary>`--service-dll PATH`: run this build of the service instead of building the working tree's (the smoke spec
    /// passes the one its own build made).</summary>
    public string? ServiceDll { get; init; }
    /// <summary>`--ab REF`: also build the service at this git commit and alternate every phase's rounds between the two.</summary>
    public string? AbRef { get; init; }
    /// <summary>`--rounds N`: rounds of each phase per side with `--ab` (2: head, base, base, head).</summary>
    public int AbRounds { get; init; } = 2;
    /// <summary>`--repeat N`: rounds of each selected phase (per build with `--ab`, where it overrides `--rounds`); the report
    /// gives every figure's min/median/max and max ÷ min over them.</summary>
    public int? Repeat { get; init; }
    /// <summary>`--dispatch-jobs N`: the jobs the dispatch phase times after its warm-up of <see cref="DispatchJobs"/> (as many by
    /// default). A longer drain did not make runs agree: at 300,000 (15–19 s) five runs of an idle host spread as at 100,000.</summary>
    public int DispatchTimedJobs { get; init; } = 100_000;
    public int RoundsPerSide => Math.Max(1, Repeat ?? (AbRef is null ? 1 : AbRounds));

    /// <summary>
    /// Rounds of <paramref name="phase"/>: <see cref="RoundsPerSide"/> with `--repeat`, `--ab` or at quick and smoke size;
    /// otherwise three of dispatch, of accept and of the floor beside dispatch, whose figures are read as the median of
    /// their rounds, and one of every other phase. Dispatch's ratio to the claim ceiling and CPU per delivery moved 1.1–1.3×
    /// between runs of one round, each round a fresh worker on a host whose speed under load came in spells; with three
    /// rounds, 1.04 and 1.15. Accept in one round, over five runs: its split's CPU per delivery 1.30–1.34×, accept →
    /// provider call p99 1.65×, the p99 at half rate 3.06× (one slow run read 49.5 ms against 16.2).
    /// </summary>
    public int RoundsOf(string phase) =>
        Repeat is not null || AbRef is not null || Quick ? RoundsPerSide
            : phase is "dispatch" or "accept" or Floor.FloorRun.Phase ? 3 : 1;
    public int TemplatedPairs => Smoke ? 1 : TemplatedAcceptPairs;


    public static readonly string[] Phases = ["accept", "templated-accept", "dispatch", "providers", "batches", "bulk", "webhooks", "tenant-limits", "retention", "preferences", "inbox", "webhook-insert", "console", "sse", Service.RecipientsRun.Phase, Service.TenantDeleteRun.Phase, "topics", Service.ByUserRun.Phase, "workflows", Digests.DigestsRun.Phase, RenderIsolation.IsolationRun.Phase, Client.ClientLatencyRun.Phase, HangfireJobs.HangfireRun.Phase, Floor.FloorRun.Phase];
    public const int FloodClients = 32;
    public const double QuietTenantRate = 100;
    /// <summary>The open-loop flood: five times the default send limit.</summary>
    public const double FloodRate = 1000;
    public TimeSpan FloodDuration => Smoke ? TimeSpan.FromSeconds(1) : Quick ? TimeSpan.FromSeconds(3) : TimeSpan.FromSeconds(8);

    /// <summary>`--only bulk,webhooks`: the ceilings (every ratio divides by them) plus those phases.</summary>
    public IReadOnlySet<string>? Only { get; init; }
    /// <summary>
    /// Messages per provider of the providers phase (`--provider-messages N`): 200,000 by default, a drain of 15–20 s, so
    /// that the worker's start-up (JIT, tiering, connections: about half its CPU in a 5-s drain) is a small part of the
    /// CPU per message it reports.
    /// </summary>
    public int ProviderMessages { get; init; }
    public int WebhookDeliveries => Smoke ? 500 : Quick ? 10_000 : 50_000;
    public int CallbackEvents => Smoke ? 500 : Quick ? 10_000 : 50_000;
    /// <summary>Unrecorded send-batch load before the measured one (the service process is fresh).</summary>
    public TimeSpan BatchWarmUp => Smoke ? TimeSpan.FromSeconds(0.5) : Quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(30);
    /// <summary>How long a phase waits at most for the service's tiered-compilation thread to go idle after a warm-up.</summary>
    public TimeSpan JitSettleTimeout => Smoke ? TimeSpan.Zero : TimeSpan.FromSeconds(30);

    /// <summary>Expired notifications the retention phase purges (`--retention-rows N`).</summary>
    public int RetentionRows { get; init; }
    public TimeSpan RetentionWindow => Smoke ? TimeSpan.FromSeconds(0.5) : Quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(5);

    /// <summary>Inbox rows and users for the unread-count phase (the issue's figure is 10 M over 100 k users).</summary>
    public long InboxRows => Smoke ? 20_000 : Quick ? 1_000_000 : 10_000_000;
    public int InboxUsers => Smoke ? 200 : Quick ? 10_000 : 100_000;
    public const int InboxClientsDefault = 8;

    /// <summary>Console speed (issue 15): notifications seeded, requests per page, accept pairs with/without its indexes.</summary>
    public long ConsoleRows => ConsoleRowsArg ?? (Smoke ? 5_000 : Quick ? 100_000 : 1_000_000);

    /// <summary>`--console-rows N`: the console phase's notifications (the analytics page's figure is read at 10,000,000).</summary>
    public long? ConsoleRowsArg { get; init; }
    public int ConsoleRequests => Smoke ? 2 : Quick ? 30 : 200;
    public int ConsoleAcceptPairs => Quick ? 1 : 3;
    /// <summary>SSE (issue 14): concurrent streams (`--sse-connections N`), in_app sends/s over them, and for how long.</summary>
    public int SseConnections { get; init; }
    /// <summary>`--sse-settle`: induce a full collection in the service after its streams opened, before the window (<see cref="Service.ServiceHeapSettle"/>).</summary>
    public bool SseSettle { get; init; }
    /// <summary>`--service-env NAME=VALUE` (repeatable): set in every service process this run starts and not in the bench
    /// itself, e.g. a runtime setting under trial (`DOTNET_GC…`), which the bench's own process must not take.</summary>
    public IReadOnlyDictionary<string, string> ServiceEnv { get; init; } = new Dictionary<string, string>();
    /// <summary>`--pg-setting NAME=VALUE` (repeatable): a PostgreSQL setting for the bench's cluster, over the embedded
    /// defaults, e.g. `shared_buffers=2GB`; the ceilings run under it too, so a ratio still compares like with like.</summary>
    public IReadOnlyDictionary<string, string> PostgresSettings { get; init; } = new Dictionary<string, string>();
    public int SseRate => Quick ? 100 : 500;
    public TimeSpan SseDuration => Smoke ? TimeSpan.FromSeconds(1) : Quick ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(20);
    /// <summary>`--inbox-clients N`: the inbox phase's closed-loop clients (default 8; the machine has 2 cores).</summary>
    public int InboxClients { get; init; } = InboxClientsDefault;

    /// <summary>Bodies per tenant in the render-isolation phase: three tenants × 34,000 is the ≥ 100,000 the requirement names.</summary>
    public int IsolationBodiesPerTenant => Smoke ? 100 : Quick ? 3_000 : 34_000;
    public int IsolationClientsPerTenant => Smoke ? 1 : 3;

    public bool Runs(string phase) => Only is null || Only.Contains(phase);

    private static string? ArgText(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

    private static int? ArgValue(string[] args, string name) =>
        int.TryParse(ArgText(args, name), out var v) ? v : null;

    /// <summary>Every `NAME=VALUE` given after <paramref name="option"/> (a repeatable option).</summary>
    private static Dictionary<string, string> Pairs(string[] args, string option)
    {
        var pairs = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] != option) continue;
            var arg = i + 1 < args.Length ? args[i + 1] : "";
            var (name, value) = arg.Split('=', 2) is [var n, var v] && n.Length > 0 ? (n, v)
                : throw new ArgumentException($"{option} {arg}: expected NAME=VALUE");
            pairs[name] = value;
        }
        return pairs;
    }

    public static BenchOptions Parse(string[] args)
    {
        var smoke = args.Contains("--smoke");
        var quick = smoke || args.Contains("--quick");
        var sized = smoke
            ? new BenchOptions(true, TimeSpan.FromSeconds(0.5), 1_000, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.5), 300, TimeSpan.FromSeconds(0.5), 100, ArgValue(args, "--bulk-rows") ?? 1_000)
            : quick
            ? new BenchOptions(true, TimeSpan.FromSeconds(2), 20_000, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3), 10_000, TimeSpan.FromSeconds(3), 500, ArgValue(args, "--bulk-rows") ?? 50_000)
            : new(false, TimeSpan.FromSeconds(5), 100_000, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), 100_000, TimeSpan.FromSeconds(10), 500, ArgValue(args, "--bulk-rows") ?? 1_000_000);
        var only = ArgText(args, "--only")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        if (only?.FirstOrDefault(p => !Phases.Contains(p)) is { } unknown)
            throw new ArgumentException($"--only {unknown}: expected one or more of {string.Join(", ", Phases)}");
        return sized with { Only = only, DispatchTimedJobs = ArgValue(args, "--dispatch-jobs") ?? sized.DispatchJobs, ProviderMessages = ArgValue(args, "--provider-messages") ?? (smoke ? 200 : quick ? 5_000 : 200_000),
            RetentionRows = ArgValue(args, "--retention-rows") ?? (smoke ? 1_000 : quick ? 50_000 : 1_000_000),
            SseConnections = ArgValue(args, "--sse-connections") ?? (smoke ? 20 : quick ? 1_000 : 10_000),
            InboxClients = ArgValue(args, "--inbox-clients") ?? (smoke ? 2 : InboxClientsDefault),
            SseSettle = args.Contains("--sse-settle"), ServiceEnv = Pairs(args, "--service-env"), PostgresSettings = Pairs(args, "--pg-setting"), Smoke = smoke, ServiceDll = ArgText(args, "--service-dll"),
            AbRef = ArgText(args, "--ab"), AbRounds = ArgValue(args, "--rounds") ?? 2,
            Repeat = ArgValue(args, "--repeat"), ConsoleRowsArg = ArgValue(args, "--console-rows") };
    }
}
