using System.Globalization;
using System.Text;
using NotificationService.Bench.Costs;

namespace NotificationService.Bench.Ab;

/// <summary>
/// An `--ab` run's report: every figure of the service table and every cost per unit for both builds (the median of each
/// side's rounds, each round's value after it) and head ÷ base, then each round's own report.
/// </summary>
public sealed class AbReport(IReadOnlyList<BenchSide> sides, IReadOnlyDictionary<string, List<Report>> rounds)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public IEnumerable<string> Notes => rounds.Values.SelectMany(r => r).SelectMany(r => r.Notes);

    public string ToMarkdown(Report main)
    {
        var sb = new StringBuilder();
        main.AppendHeader(sb);
        var (head, @base) = (sides[0], sides[1]);
        var n = rounds[head.Name].Count;
        sb.AppendLine($"## A/B: {head.Name} ÷ {@base.Name}");
        sb.AppendLine();
        sb.AppendLine($"- **{head.Name}**: {head.Label}");
        sb.AppendLine($"- **{@base.Name}**: {@base.Label}");
        sb.AppendLine($"- Each phase ran {n} round{(n == 1 ? "" : "s")} per build, alternating and each build first in half of them " +
                      $"({string.Join(", ", Enumerable.Range(0, n).SelectMany(r => r % 2 == 0 ? new[] { head.Name, @base.Name } : [@base.Name, head.Name]))}); " +
                      "the ceilings above were measured once. A figure is the median of its build's rounds; the rounds follow in brackets, in the order run.");
        sb.AppendLine();
        AppendFigures(sb, head, @base);
        AppendCosts(sb, head, @base);
        foreach (var note in Notes.Where(x => x.StartsWith("Phase '"))) sb.AppendLine($"- {note}");
        sb.AppendLine();
        sb.AppendLine("## Each round's report");
        foreach (var side in sides)
            foreach (var (r, i) in rounds[side.Name].Select((r, i) => (r, i + 1)))
            {
                sb.AppendLine();
                sb.AppendLine($"### {side.Name}, round {i}");
                sb.AppendLine();
                foreach (var note in r.Notes) sb.AppendLine($"- {note}");
                sb.AppendLine();
                var body = new StringBuilder();
                r.AppendServiceTable(body);
                r.AppendDetails(body);
                // Each round's sections sit under its heading: two levels down.
                sb.Append(("\n" + body).Replace("\n### ", "\n##### ").Replace("\n## ", "\n#### ").TrimStart('\n'));
            }
        return sb.ToString();
    }

    private void AppendFigures(StringBuilder sb, BenchSide head, BenchSide @base)
    {
        var byRound = sides.ToDictionary(s => s.Name, s => rounds[s.Name].Select(r => Numbered(r.AbRows(), x => x.Key)).ToList());
        var keys = byRound.Values.SelectMany(rs => rs).SelectMany(r => r.Keys).Distinct().ToList();
        sb.AppendLine($"| measurement | {head.Name} | {@base.Name} | {head.Name} ÷ {@base.Name} | target |");
        sb.AppendLine("|---|---:|---:|---:|---|");
        foreach (var key in keys)
        {
            var first = byRound.Values.SelectMany(rs => rs).Select(r => r.GetValueOrDefault(key)).First(x => x is not null)!;
            var h = Values(byRound[head.Name], key);
            var b = Values(byRound[@base.Name], key);
            sb.AppendLine($"| {first.Name} | {Cell(h, first.Format)} | {Cell(b, first.Format)} | {Ratio(Median(h), Median(b))} | {first.Target} |");
        }
        sb.AppendLine();
    }

    private void AppendCosts(StringBuilder sb, BenchSide head, BenchSide @base)
    {
        var byRound = sides.ToDictionary(s => s.Name, s => rounds[s.Name].Select(r => Numbered(r.UnitCosts, c => $"{c.Phase} | {c.Unit}")).ToList());
        var keys = byRound.Values.SelectMany(rs => rs).SelectMany(r => r.Keys).Distinct().ToList();
        if (keys.Count == 0) return;
        sb.AppendLine($"Cost per unit of work ({head.Name} / {@base.Name}, medians of the rounds; see \"Cost per unit of work\" in each round's report):");
        sb.AppendLine();
        sb.AppendLine("| phase | unit | service CPU (µs) | PostgreSQL CPU (µs) | statements | rows written | non-HOT updates | service + PostgreSQL, " +
                      $"{head.Name} ÷ {@base.Name} |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var key in keys)
        {
            double M(string side, Func<UnitCost, double> f) => Median(byRound[side].Select(r => r.GetValueOrDefault(key)).OfType<UnitCost>().Select(f).ToList());
            string Pair(Func<UnitCost, double> f, string format) =>
                $"{Fmt(M(head.Name, f), format)} / {Fmt(M(@base.Name, f), format)}";
            var total = Ratio(M(head.Name, c => c.ServiceMicros + c.PostgresMicros), M(@base.Name, c => c.ServiceMicros + c.PostgresMicros));
            sb.AppendLine($"| {key} | {Pair(c => c.ServiceMicros, "N1")} | {Pair(c => c.PostgresMicros, "N1")} | " +
                          $"{Pair(c => c.StatementsPer, "0.00")} | {Pair(c => c.RowsWritten, "0.00")} | {Pair(c => c.NonHotUpdates, "0.00")} | {total} |");
        }
        sb.AppendLine();
    }

    /// <summary>Keys made unique by their occurrence ("x", "x #2", …): a phase may report the same figure twice.</summary>
    private static Dictionary<string, T> Numbered<T>(IEnumerable<T> items, Func<T, string> key)
    {
        var seen = new Dictionary<string, int>();
        var result = new Dictionary<string, T>();
        foreach (var item in items)
        {
            var k = key(item);
            var i = seen[k] = seen.GetValueOrDefault(k) + 1;
            result[i == 1 ? k : $"{k} #{i}"] = item;
        }
        return result;
    }

    private static List<double> Values(List<Dictionary<string, AbRow>> rounds, string key) =>
        rounds.Select(r => r.GetValueOrDefault(key)?.Value ?? double.NaN).ToList();

    private static string Cell(List<double> values, string format)
    {
        var shown = values.Where(v => !double.IsNaN(v)).ToList();
        if (shown.Count == 0) return "n/a";
        return values.Count == 1 ? Fmt(values[0], format) : $"{Fmt(Median(values), format)} ({string.Join(" / ", values.Select(v => Fmt(v, format)))})";
    }

    private static double Median(IReadOnlyList<double> values)
    {
        var v = values.Where(x => !double.IsNaN(x)).Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static string Ratio(double a, double b) => double.IsNaN(a) || double.IsNaN(b) || b == 0 ? "" : (a / b).ToString("0.00", Inv);

    private static string Fmt(double v, string format) => double.IsNaN(v) ? "n/a" : v.ToString(format, Inv);
}
