namespace NotificationService.Bench;

/// <summary>Sizes and durations of one run; <c>--quick</c> shrinks everything for a smoke run.</summary>
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
    public const int BatchClients = 4;
    /// <summary>Inline/template pairs in the templated-accept comparison (even, so each side goes first equally often).</summary>
    public const int TemplatedAcceptPairs = 4;

    /// <summary>`--only &lt;phase&gt;`: ceilings, accept, dispatch, batches, bulk or templated-accept.</summary>
    public string? Only { get; init; }

    private static int? ArgValue(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : null;

    public static BenchOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var only = Array.IndexOf(args, "--only") is var o and >= 0 && o + 1 < args.Length ? args[o + 1] : null;
        BenchOptions options = quick
            ? new(true, TimeSpan.FromSeconds(2), 20_000, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3), 10_000, TimeSpan.FromSeconds(3), 500, 50_000)
            : new(false, TimeSpan.FromSeconds(5), 100_000, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), 100_000, TimeSpan.FromSeconds(10), 500, ArgValue(args, "--bulk-rows") ?? 1_000_000);
        return options with { Only = only };
    }
}
