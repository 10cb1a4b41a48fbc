using System.Globalization;
using System.Text;

namespace NotificationService.Bench.Floor;

/// <summary>
/// The floor phase's rows: each step's rate against the claim ceiling drained in the same phase (the ratio of medians,
/// and each round's ratio to its own ceiling), and what a job cost PostgreSQL.
/// </summary>
public static class FloorReport
{
    public static void Append(StringBuilder sb, FloorResult f)
    {
        var size = $"{f.Jobs:N0} jobs, 4 connections, 100 a statement, {f.Rounds} round(s)";
        foreach (var step in f.Steps)
        {
            var ratios = step.Rates.Zip(f.Ceiling.Rates, (r, c) => r / c).ToList();
            Report.Row(sb, $"floor: {step.Name}, {size} (jobs/s; ratio: to the ceiling's median; each round's to its own ceiling: " +
                $"{Listed(ratios, "0.000")})", Median(step.Rates), Median(f.Ceiling.Rates), "", null);
            Report.Row(sb, $"floor: {step.Name}: PostgreSQL CPU per job (µs; rounds: {Listed(step.PostgresMicros, "0.0")}; " +
                $"the bench's own: {Median(step.BenchMicros):0.0})", Median(step.PostgresMicros), null, "", null, "0.0");
        }
    }

    private static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);

    private static string Listed(IEnumerable<double> xs, string format) =>
        string.Join(" / ", xs.Select(x => x.ToString(format, CultureInfo.InvariantCulture)));
}
