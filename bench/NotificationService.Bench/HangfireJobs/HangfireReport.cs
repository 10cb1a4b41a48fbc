using System.Text;
using NotificationService.Bench.Ceilings;

namespace NotificationService.Bench.HangfireJobs;

/// <summary>The phase's rows: Hangfire's rate and the service's dispatch in the same run, each against the claim ceiling.</summary>
public static class HangfireReport
{
    public static void Append(StringBuilder sb, HangfireBenchResult h, CeilingResults? ceilings)
    {
        var ceiling = ceilings?.ClaimDeleteJobsPerSec;
        Report.Row(sb, $"hangfire: {h.Jobs:N0} jobs of one delivery's bookkeeping on Hangfire.PostgreSql, {h.Workers} workers, queue poll " +
            $"{h.QueuePoll.TotalMilliseconds:N0} ms with long polling, sliding invisibility (jobs/s; ratio to the claim ceiling)",
            Measured(h.Drained, h.JobsPerSec), ceiling, "", null);
        var d = h.Dispatch;
        Report.Row(sb, $"hangfire phase: the service's dispatch of as many jobs, Mode=worker, same run (jobs/s; ratio to the claim ceiling)",
            Measured(d.Drained, d.JobsPerSec), ceiling, "", null);
    }

    /// <summary>A rate only when the jobs drained over a measurable time (at smoke size the dispatch can finish in one claim).</summary>
    private static double Measured(bool drained, double rate) => drained && double.IsFinite(rate) ? rate : double.NaN;
}
