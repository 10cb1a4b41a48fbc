using System.Globalization;
using System.Text;
using NotificationService.Bench.Ceilings;

namespace NotificationService.Bench.Service;

/// <summary>Issue 31's send by userId vs with the address: each round in the order run, accept and dispatch.</summary>
public sealed record ByUserResult(int Profiles, int Jobs, IReadOnlyList<(bool ByUser, LoadResult Result)> Accept,
    IReadOnlyList<(bool ByUser, DispatchResult Result)> Dispatch)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    public const double Goal = 0.9;

    /// <summary>The mean rate of one kind's rounds (each kind ran as often first as last, so drift falls on both alike).</summary>
    public double AcceptPerSec(bool byUser) => Mean(Accept.Where(r => r.ByUser == byUser).Select(r => r.Result.AcceptedPerSec));
    public double DispatchPerSec(bool byUser) => Mean(Dispatch.Where(r => r.ByUser == byUser).Select(r => r.Result.JobsPerSec));

    /// <summary>Measured figures: each kind's accept and dispatch rate.</summary>
    public int FigureCount => new[] { AcceptPerSec(false), AcceptPerSec(true), DispatchPerSec(false), DispatchPerSec(true) }
        .Count(v => double.IsFinite(v) && v > 0);

    private static double Mean(IEnumerable<double> xs) => xs.DefaultIfEmpty(double.NaN).Average();

    public void Append(StringBuilder sb, CeilingResults? ceilings)
    {
        sb.AppendLine();
        sb.AppendLine("## Send by userId vs with the address (issue 31)");
        sb.AppendLine();
        sb.AppendLine("| figure | value | ceiling | ratio | target | |");
        sb.AppendLine("|---|---:|---:|---:|---|---|");
        var acceptErrors = Accept.Sum(r => r.Result.Errors);
        foreach (var byUser in new[] { false, true })
        {
            var costs = Accept.Where(r => r.ByUser == byUser && r.Result.Cost is not null).Select(r => r.Result.Cost!).ToList();
            Report.Row(sb, $"accept {ByUserRun.Kind(byUser)}, Mode=api, {BenchOptions.AcceptClients} clients, mean of {costs.Count} rounds (sends/s); " +
                $"CPU per send: service {Mean(costs.Select(c => c.ServiceMicros)):0} µs, PostgreSQL {Mean(costs.Select(c => c.PostgresMicros)):0} µs",
                AcceptPerSec(byUser), ceilings?.SingleInsertCommitsPerSec, "", null);
        }
        var acceptRatio = AcceptPerSec(true) / AcceptPerSec(false);
        Report.Row(sb, $"accept by userId ÷ with the address ({acceptErrors:N0} errors)", acceptRatio, null, $"≥ {Goal}", acceptRatio >= Goal && acceptErrors == 0, "0.00");
        foreach (var byUser in new[] { false, true })
        {
            var rounds = Dispatch.Where(r => r.ByUser == byUser).Select(r => r.Result).ToList();
            var warm = rounds.FirstOrDefault()?.WarmUp;
            Report.Row(sb, $"dispatch {ByUserRun.Kind(byUser)}, Mode=worker, {Jobs:N0} sandbox emails a round to {Profiles:N0} people" +
                (warm is null ? " (a cold worker)" : $" after a warm-up of {warm.Notifications:N0} (JIT idle after {Mean(rounds.Select(d => d.WarmUp!.JitSettleTime.TotalSeconds)):0.0} s)") +
                $", mean of {rounds.Count} rounds (jobs/s); CPU per notification: worker {Mean(rounds.Select(d => d.WorkerMicrosPerMessage)):0} µs, " +
                $"PostgreSQL {Mean(rounds.Select(d => d.PostgresMicrosPerMessage)):0} µs", DispatchPerSec(byUser), ceilings?.ClaimDeleteJobsPerSec, "", null);
        }
        var dispatchRatio = DispatchPerSec(true) / DispatchPerSec(false);
        var complete = Dispatch.All(r => r.Result.Drained && r.Result.Dead == 0 && r.Result.SandboxMessages == r.Result.Jobs);
        Report.Row(sb, $"dispatch by userId ÷ with the address (every round drained, nothing dead, every email sent: {(complete ? "yes" : "no")})",
            dispatchRatio, null, $"≥ {Goal}", dispatchRatio >= Goal && complete, "0.00");
        // The second half of each drain: the rate once the claims are in their stride, shown beside the figure, not instead
        // (it was the only warm figure while the drains timed a cold worker, before DispatchWarmUp).
        var warmRatio = Mean(Dispatch.Where(r => r.ByUser).Select(r => r.Result.SecondHalfPerSec)) /
            Mean(Dispatch.Where(r => !r.ByUser).Select(r => r.Result.SecondHalfPerSec));
        Report.Row(sb, "dispatch by userId ÷ with the address over each drain's second half (for comparison, not the goal's figure)",
            warmRatio, null, "", null, "0.00");
        sb.AppendLine();
        sb.AppendLine("Rounds in the order run: accept " + string.Join(", ", Accept.Select(r => $"{ByUserRun.Kind(r.ByUser)} {r.Result.AcceptedPerSec.ToString("N0", Inv)}/s " +
            $"(p99 {r.Result.LatencyMs.P99.ToString("0.0", Inv)} ms)")) + "; dispatch " +
            string.Join(", ", Dispatch.Select(r => $"{ByUserRun.Kind(r.ByUser)} {r.Result.JobsPerSec.ToString("N0", Inv)}/s " +
                $"(halves {r.Result.FirstHalfPerSec.ToString("N0", Inv)} / {r.Result.SecondHalfPerSec.ToString("N0", Inv)})")) +
            ". Ratios: accept ÷ single-row commits/s, dispatch ÷ claim-and-delete jobs/s.");
    }
}
