using System.Globalization;
using System.Text;

namespace NotificationService.Bench;

/// <summary>
/// A run of one build (no `--ab`): the ceilings as measured through the run, with rounds (`--repeat N`, or dispatch's
/// three) every figure's median and spread over its phase's rounds, then each round of each phase with the ceilings it
/// was divided by, and the phases' outcomes.
/// </summary>
public static class RunReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string ToMarkdown(Report main, IReadOnlyList<BenchUnit> units)
    {
        var sb = new StringBuilder();
        main.AppendHeader(sb);
        var rounds = units.Count == 0 ? 0 : units.Max(u => u.Round) + 1;
        if (rounds > 1) AppendSpread(sb, new SideFigures(units, units[0].Side), rounds);
        foreach (var u in units)
            AppendUnit(sb, u, units.Count(x => x.Phase == u.Phase) is > 1 and var of ? $", round {u.Round + 1} of {of}" : "");
        foreach (var n in main.Notes) sb.AppendLine($"- {n}");
        Report.AppendPhases(sb, units.SelectMany(u => u.Report.PhasesRun));
        return sb.ToString();
    }

    /// <summary>Every figure's least, median and greatest value over the rounds and max ÷ min: how far one run can be trusted.</summary>
    public static void AppendSpread(StringBuilder sb, SideFigures figures, int rounds)
    {
        sb.AppendLine($"## Spread over {rounds} rounds");
        sb.AppendLine();
        sb.AppendLine("Each figure over the rounds of its phase (rates as ratios to the ceilings measured either side of their round; " +
                      "costs per unit of work as measured). A difference between two builds smaller than max ÷ min here is noise.");
        sb.AppendLine();
        sb.AppendLine("| figure | min | median | max | max ÷ min | rounds, in order | target |");
        sb.AppendLine("|---|---:|---:|---:|---:|---|---|");
        foreach (var key in figures.Keys)
        {
            var first = figures.First(key)!;
            var values = figures.Values(key);
            var s = Spread.Of(values);
            sb.AppendLine($"| {first.Name} | {Fmt(s.Min, first.Format)} | {Fmt(s.Median, first.Format)} | {Fmt(s.Max, first.Format)} | " +
                          $"{(s.Count > 1 ? Fmt(s.MaxOverMin, "0.00") : "one round")} | " +
                          $"{string.Join(" / ", values.Where(double.IsFinite).Select(v => Fmt(v, first.Format)))} | {first.Target} |");
        }
        sb.AppendLine();
    }

    /// <summary>One round of one phase: the ceilings either side of it, then its own tables (its notes among the details), a level down.</summary>
    public static void AppendUnit(StringBuilder sb, BenchUnit u, string title)
    {
        sb.AppendLine($"## {u.Phase}{title}");
        sb.AppendLine();
        sb.AppendLine(string.Create(Inv, $"- Ceilings either side of this round (its ratios divide by their mean): claim-and-delete " +
            $"{u.Before.ClaimDeleteJobsPerSec:N0} → {u.After.ClaimDeleteJobsPerSec:N0} jobs/s (after ÷ before {u.ClaimDrift:0.00}), single-row commits " +
            $"{u.Before.SingleInsertCommitsPerSec:N0} → {u.After.SingleInsertCommitsPerSec:N0}/s, batch-insert rows {u.Before.BatchInsertRowsPerSec:N0} → " +
            $"{u.After.BatchInsertRowsPerSec:N0}/s."));
        sb.AppendLine();
        var body = new StringBuilder();
        u.Report.AppendServiceTable(body);
        u.Report.AppendDetails(body, phases: false);
        sb.Append(("\n" + body).Replace("\n### ", "\n##### ").Replace("\n## ", "\n### ").TrimStart('\n'));
        sb.AppendLine();
    }

    internal static string Fmt(double v, string format) => double.IsFinite(v) ? v.ToString(format, Inv) : "n/a";
}
