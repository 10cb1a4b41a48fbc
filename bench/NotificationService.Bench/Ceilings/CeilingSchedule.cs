using System.Globalization;
using System.Text;

namespace NotificationService.Bench.Ceilings;

/// <summary>
/// The ceilings measured through a run: once before the first phase and again after each round of each phase, so every
/// round sits between two measurements taken seconds from it and is divided by their mean. A single measurement at the
/// start divided rounds that ran up to twenty minutes later, on a host whose other tenants came and went meanwhile.
/// </summary>
public sealed class CeilingSchedule
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly List<(CeilingResults Value, string After)> _taken = [];

    public IReadOnlyList<CeilingResults> Taken => [.. _taken.Select(t => t.Value)];

    public void Add(CeilingResults value, string after) => _taken.Add((value, after));

    /// <summary>The neighbours' mean, ceiling by ceiling: what a round between <paramref name="before"/> and
    /// <paramref name="after"/> is divided by.</summary>
    public static CeilingResults Between(CeilingResults before, CeilingResults after) => new(
        (before.SingleInsertCommitsPerSec + after.SingleInsertCommitsPerSec) / 2,
        (before.BatchInsertRowsPerSec + after.BatchInsertRowsPerSec) / 2,
        (before.ClaimDeleteJobsPerSec + after.ClaimDeleteJobsPerSec) / 2,
        (before.DotnetKernelNsPerOp + after.DotnetKernelNsPerOp) / 2,
        (before.PostgresKernelMs + after.PostgresKernelMs) / 2,
        (before.MemoryNsPerRead + after.MemoryNsPerRead) / 2);

    public static IEnumerable<(string Name, Func<CeilingResults, double> Of)> Kinds(BenchOptions options) =>
    [
        ($"single-row insert commits/s, {BenchOptions.SingleInsertConnections} connections, {options.CeilingDuration.TotalSeconds:0.#} s", c => c.SingleInsertCommitsPerSec),
        ($"100-row batch inserts (unnest), rows/s, {BenchOptions.BatchInsertConnections} connections", c => c.BatchInsertRowsPerSec),
        ($"SKIP LOCKED claim-and-delete 100 at a time, jobs/s, {BenchOptions.ClaimConnections} connections, {options.ClaimPrefillRows:N0} rows, " +
         $"median of {PostgresCeilings.ClaimSamples(options)}",
            c => c.ClaimDeleteJobsPerSec),
        ("host speed: CPU ns per operation of a fixed .NET kernel, one thread (lower is faster)", c => c.DotnetKernelNsPerOp),
        ("host speed: CPU ms of a fixed PostgreSQL query, three times, one backend (lower is faster)", c => c.PostgresKernelMs),
        ("host speed: CPU ns per dependent read through 128 MB, both cores at once (lower is faster)", c => c.MemoryNsPerRead),
    ];

    /// <summary>How far a quiet host's one-thread .NET probe moves over a run: 1.03–1.05× in this bench's quiet series, where a
    /// host shared with busy neighbours moved it 1.5× and more within one run, and every figure's spread with it.</summary>
    public const double QuietProbeSpread = 1.10;

    /// <summary>Each ceiling's spread over the run's measurements, every measurement in the order taken, whether the host
    /// stayed quiet.</summary>
    public void Append(StringBuilder sb, BenchOptions options)
    {
        sb.AppendLine("## PostgreSQL ceilings (Npgsql, fresh database), measured before the first phase and after each round of each phase");
        sb.AppendLine();
        if (_taken.Count == 0) { sb.AppendLine("(not measured)"); sb.AppendLine(); return; }
        sb.AppendLine("| ceiling | min | median | max | max ÷ min | each, in the order measured |");
        sb.AppendLine("|---|---:|---:|---:|---:|---|");
        foreach (var (name, of) in Kinds(options))
        {
            var s = Spread.Of(_taken.Select(t => of(t.Value)));
            sb.AppendLine(string.Create(Inv, $"| {name} | {s.Min:N0} | {s.Median:N0} | {s.Max:N0} | {s.MaxOverMin:0.00} | " +
                $"{string.Join(" / ", _taken.Select(t => of(t.Value).ToString("N0", Inv)))} |"));
        }
        sb.AppendLine();
        sb.AppendLine("Measured: " + string.Join("; ", _taken.Select((t, i) => $"{i + 1} {t.After}")) + ".");
        sb.AppendLine();
        if (Spread.Of(_taken.Select(t => t.Value.DotnetKernelNsPerOp)) is { Count: > 1 } probe)
        {
            var moved = string.Create(Inv, $"the .NET probe {probe.MaxOverMin:0.00}× ({probe.Min:N0}–{probe.Max:N0} ns/op)");
            var quiet = string.Create(Inv, $"quiet: ≤ {QuietProbeSpread:0.00}×");
            sb.AppendLine(probe.MaxOverMin <= QuietProbeSpread
                ? $"Host quiet through the run: {moved}; {quiet}."
                : $"Host **not quiet**: {moved}; {quiet}. Something else took the cores in spells; every spread below includes it.");
            sb.AppendLine();
        }
    }
}
