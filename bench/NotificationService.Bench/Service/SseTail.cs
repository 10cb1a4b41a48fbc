using System.Diagnostics;
using System.Globalization;

namespace NotificationService.Bench.Service;

/// <summary>
/// Whether a window's slowest sends came together (a stall: a collection, a checkpoint, the host's other load for a
/// moment) or were spread through it (steady queueing): the slowest 1 % placed by when their request started, in
/// 100 ms slots, beside the collectors' pauses of both processes over the same window.
/// </summary>
public sealed record SseTail(int Slowest, int SlotsHit, int Slots, double WorstSecondShare, double WorstSecondFromS)
{
    public double ServiceGcPauseMs { get; init; } = double.NaN;
    public double ServiceGen2 { get; init; } = double.NaN;
    /// <summary>The service's gen0 and gen1 collections over the window (each pauses it; NaN when not read).</summary>
    public double ServiceGen0 { get; init; } = double.NaN;
    public double ServiceGen1 { get; init; } = double.NaN;
    public double BenchGcPauseMs { get; init; }
    public int BenchGen2 { get; init; }
    public IReadOnlyList<Guid> SlowestIds { get; init; } = [];
    /// <summary>The stages of the slowest sends alone: which step the stall was in.</summary>
    public SseStages? SlowestStages { get; init; }
    /// <summary>PostgreSQL's autovacuum runs and checkpoints over the window (<see cref="DatabaseWatch"/>).</summary>
    public string? Housekeeping { get; init; }
    /// <summary>With `--sse-settle`: the pause of the full collection induced in the service before the window.</summary>
    public double? ServiceSettlePauseMs { get; init; }

    public static SseTail Of(IReadOnlyDictionary<Guid, long> started, IReadOnlyDictionary<Guid, long> arrivals)
    {
        var sends = started.Where(s => arrivals.ContainsKey(s.Key))
            .Select(s => (Id: s.Key, Start: s.Value, Ms: (arrivals[s.Key] - s.Value) * 1000.0 / Stopwatch.Frequency)).ToList();
        if (sends.Count == 0) return new(0, 0, 0, 0, 0);
        var origin = sends.Min(s => s.Start);
        int Slot(long start) => (int)((start - origin) * 10.0 / Stopwatch.Frequency);   // 100 ms slots
        var slowest = sends.OrderByDescending(s => s.Ms).Take(Math.Max(1, sends.Count / 100)).ToList();
        var perSlot = new int[sends.Max(s => Slot(s.Start)) + 1];
        foreach (var s in slowest) perSlot[Slot(s.Start)]++;
        var (worst, from) = (0, 0);
        for (var i = 0; i < perSlot.Length; i++)
            if (perSlot.Skip(i).Take(10).Sum() is var inSecond && inSecond > worst) (worst, from) = (inSecond, i);
        return new(slowest.Count, perSlot.Count(n => n > 0), perSlot.Length, (double)worst / slowest.Count, from / 10.0)
        {
            SlowestIds = slowest.Select(s => s.Id).ToList(),
        };
    }

    /// <summary>The service's cumulative collector figures from its /metrics (NaN when absent).</summary>
    public static async Task<(double PauseSeconds, double Gen0, double Gen1, double Gen2)> ServiceGcAsync(HttpClient api)
    {
        try
        {
            var lines = (await api.GetStringAsync("/metrics")).Split('\n');
            double Value(string series) => lines.Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
                .Select(l => double.Parse(l[(series.Length + 1)..], CultureInfo.InvariantCulture)).DefaultIfEmpty(double.NaN).First();
            double Gen(int g) => Value($"dotnet_gc_collections_total{{generation=\"gen{g}\"}}");
            return (Value("dotnet_gc_pause_seconds_total"), Gen(0), Gen(1), Gen(2));
        }
        catch (HttpRequestException) { return (double.NaN, double.NaN, double.NaN, double.NaN); }
    }

    /// <summary>Where the slowest 1 % started; all that is known of a window whose collections were not read.</summary>
    public string DescribePlacement() =>
        $"the slowest 1 % ({Slowest:N0} sends) started in {SlotsHit} of {Slots} 100 ms slots, {WorstSecondShare:P0} of them within one second " +
        $"(from {WorstSecondFromS:0.0} s)";

    public string Describe() =>
        (ServiceSettlePauseMs is { } settle ? $"the service's heap settled before the window (--sse-settle: an induced full collection, {settle:0} ms); " : "the service's heap not settled before the window; ") +
        DescribePlacement() + $"; garbage collection pauses over the window: service {ServiceGcPauseMs:0} ms ({ServiceGen0:0} gen0, {ServiceGen1:0} gen1, {ServiceGen2:0} gen2), " +
        $"bench {BenchGcPauseMs:0} ms ({BenchGen2} gen2)" + (Housekeeping is { } h ? $"; {h}" : "") + (SlowestStages is { } s ? $"; the slowest 1 %'s {s.Describe()}" : "");
}
