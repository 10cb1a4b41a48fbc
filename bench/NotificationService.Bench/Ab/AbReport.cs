using System.Text;

namespace NotificationService.Bench.Ab;

/// <summary>
/// An `--ab` run's report: every figure of both builds (rates as ratios to the ceilings either side of their round, costs
/// per unit of work) as the median of each build's rounds with their min–max, head ÷ base, and a verdict that calls a
/// difference only when the builds' rounds do not overlap; then each build's spread and each round's own report.
/// </summary>
public sealed class AbReport(IReadOnlyList<BenchSide> sides, IReadOnlyList<BenchUnit> units)
{
    public IEnumerable<string> Notes => units.SelectMany(u => u.Report.Notes);

    public string ToMarkdown(Report main)
    {
        var sb = new StringBuilder();
        main.AppendHeader(sb);
        var (head, @base) = (sides[0], sides[1]);
        var n = units.Max(u => u.Round) + 1;
        sb.AppendLine($"## A/B: {head.Name} ÷ {@base.Name}");
        sb.AppendLine();
        sb.AppendLine($"- **{head.Name}**: {head.Label}");
        sb.AppendLine($"- **{@base.Name}**: {@base.Label}");
        sb.AppendLine($"- Each phase ran {n} round{(n == 1 ? "" : "s")} per build, alternating and each build first in half of them " +
                      $"({string.Join(", ", Enumerable.Range(0, n).SelectMany(r => r % 2 == 0 ? new[] { head.Name, @base.Name } : [@base.Name, head.Name]))}), " +
                      "the ceilings measured before, between and after the rounds. A figure is the median of its build's rounds (min–max after it). " +
                      "\"Outside spread\": every round of one build beyond every round of the other, which equal builds do by chance " +
                      "2 ÷ C(2n, n) of the time; called only when that chance is 5 % or less.");
        sb.AppendLine();
        var (h, b) = (new SideFigures(units, head.Name), new SideFigures(units, @base.Name));
        sb.AppendLine($"| figure | {head.Name} | {@base.Name} | {head.Name} ÷ {@base.Name} | verdict | target |");
        sb.AppendLine("|---|---:|---:|---:|---|---|");
        foreach (var key in h.Keys.Concat(b.Keys).Distinct())
        {
            var first = h.First(key) ?? b.First(key)!;
            var (hs, bs) = (Spread.Of(h.Values(key)), Spread.Of(b.Values(key)));
            var ratio = bs.Median is > 0 or < 0 ? RunReport.Fmt(hs.Median / bs.Median, "0.00") : "";
            sb.AppendLine($"| {first.Name} | {Cell(hs, first.Format)} | {Cell(bs, first.Format)} | {ratio} | " +
                          $"{Spread.Verdict(hs, bs, first.LowerIsBetter)} | {first.Target} |");
        }
        sb.AppendLine();
        foreach (var note in Notes.Where(x => x.StartsWith("Phase '"))) sb.AppendLine($"- {note}");
        sb.AppendLine();
        if (n > 1)
            foreach (var side in sides)
            {
                var body = new StringBuilder();
                RunReport.AppendSpread(body, new SideFigures(units, side.Name), n);
                sb.Append(body.ToString().Replace($"## Spread over {n} rounds", $"## {side.Name}: spread over {n} rounds"));
            }
        sb.AppendLine("## Each round's report");
        sb.AppendLine();
        foreach (var u in units) RunReport.AppendUnit(sb, u, $", {u.Side}, round {u.Round + 1}");
        Report.AppendPhases(sb, units.Where(u => u.Side == head.Name).SelectMany(u => u.Report.PhasesRun));
        return sb.ToString();
    }

    private static string Cell(Spread s, string format) => s.Count switch
    {
        0 => "n/a",
        1 => RunReport.Fmt(s.Median, format),
        _ => $"{RunReport.Fmt(s.Median, format)} ({RunReport.Fmt(s.Min, format)}–{RunReport.Fmt(s.Max, format)})",
    };
}
