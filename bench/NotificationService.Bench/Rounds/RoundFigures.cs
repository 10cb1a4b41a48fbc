using NotificationService.Bench.Ab;
using NotificationService.Bench.Ceilings;

namespace NotificationService.Bench;

/// <summary>One round of one phase on one build: its report, and the ceilings measured just before and just after it.</summary>
public sealed record BenchUnit(string Phase, string Side, int Round, Report Report, CeilingResults Before, CeilingResults After)
{
    /// <summary>How much the claim ceiling moved across the round (after ÷ before): the host's drift within those minutes.</summary>
    public double ClaimDrift => Before.ClaimDeleteJobsPerSec > 0 ? After.ClaimDeleteJobsPerSec / Before.ClaimDeleteJobsPerSec : double.NaN;
}

/// <summary>A figure of one round, keyed so the same figure of another round or build finds it.</summary>
public sealed record Figure(string Key, string Name, double Value, string Format, string Target, bool LowerIsBetter);

/// <summary>
/// Every figure a round reports, flattened: the service table's and the details' rows, each row's ratio to its ceiling
/// (now the mean of the ceilings either side of the round), and each window's cost per unit of work — CPU of the service
/// and of PostgreSQL, statements and WAL bytes — which a busy host hardly moves.
/// </summary>
public static class RoundFigures
{
    /// <summary>One round's figures over all its phases, in phase order; a key seen twice gets " #2".</summary>
    public static Dictionary<string, Figure> Of(IEnumerable<Report> reports)
    {
        var seen = new Dictionary<string, int>();
        var result = new Dictionary<string, Figure>();
        foreach (var f in reports.SelectMany(Of))
        {
            var i = seen[f.Key] = seen.GetValueOrDefault(f.Key) + 1;
            result[i == 1 ? f.Key : $"{f.Key} #{i}"] = f;
        }
        return result;
    }

    private static IEnumerable<Figure> Of(Report report)
    {
        foreach (var row in report.AbRows())
        {
            yield return new Figure(row.Key, row.Name, row.Value, row.Format, row.Target, LowerIsBetter(row.Name));
            if (row.Ceiling is > 0 and var c)
            {
                var ratio = new AbRow($"{row.Name}: ratio to its ceiling", row.Value / c, null, "", "0.000");
                yield return new Figure(ratio.Key, ratio.Name, ratio.Value, ratio.Format, "", false);
            }
        }
        foreach (var c in report.UnitCosts.Where(c => c.Units > 0))
        {
            var per = $"{c.Phase}, per {c.Unit}";
            foreach (var (what, value, format) in new[]
            {
                ("service + PostgreSQL CPU (µs)", c.ServiceMicros + c.PostgresMicros, "N1"),
                ("service CPU (µs)", c.ServiceMicros, "N1"),
                ("PostgreSQL CPU (µs)", c.PostgresMicros, "N1"),
                ("statements", c.StatementsPer, "0.00"),
                ("WAL bytes", c.WalBytesPer, "N0"),
                ("rows written", c.RowsWritten, "0.00"),
            })
            {
                var row = new AbRow($"{per}: {what}", value, null, "", format);
                yield return new Figure(row.Key, row.Name, value, format, "", true);
            }
        }
    }

    /// <summary>Times, CPU, memory and counts per unit are better low; rates and ratios high. A time's unit may open a
    /// longer parenthesis ("(ms; windows: …)"), so "(ms" and "(µs" match either way.</summary>
    private static bool LowerIsBetter(string name) =>
        new[] { "(ms", "(µs", "(MiB)", "(s)", "statements", "bytes", "rows written", "non-HOT" }.Any(name.Contains);
}

/// <summary>The figures of one build, round by round (each round: all its phases), and the keys in the order first seen.</summary>
public sealed class SideFigures
{
    public IReadOnlyList<Dictionary<string, Figure>> Rounds { get; }

    public SideFigures(IEnumerable<BenchUnit> units, string side) =>
        Rounds = [.. units.Where(u => u.Side == side).GroupBy(u => u.Round).OrderBy(g => g.Key).Select(g => RoundFigures.Of(g.Select(u => u.Report)))];

    public IEnumerable<string> Keys => Rounds.SelectMany(r => r.Keys).Distinct();

    public Figure? First(string key) => Rounds.Select(r => r.GetValueOrDefault(key)).FirstOrDefault(f => f is not null);

    /// <summary>The key's value in each round, NaN where a round lacks it.</summary>
    public List<double> Values(string key) => [.. Rounds.Select(r => r.GetValueOrDefault(key)?.Value ?? double.NaN)];
}
