using System.Globalization;
using System.Text;

namespace NotificationService.Bench.Workflows;

/// <summary>The workflows phase's rows in the report (issue 33's bench targets).</summary>
public static class WorkflowsReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Append(StringBuilder sb, WorkflowsBenchResult w)
    {
        Report.Row(sb, $"workflows: runs started/s by triggers of 1,000 recipients ({w.Triggers} triggers from 4 clients, Mode=api; ratio to batch-insert rows/s, 4 connections)",
            w.RunsStartedPerSec, w.BatchInsertCeiling, "≥ 0.1 × ceiling", w.TriggerRatio >= 0.1);
        Report.Row(sb, $"workflows: steps/s of a 3-step workflow with no waits (send in_app, branch, exit; {w.ThreeStepRuns:N0} runs drained by one Mode=worker in {w.DrainTime.TotalSeconds:0.0} s)",
            w.StepsPerSec, null, "", null);
        Report.Row(sb, $"workflows: lateness of due delayed steps, {w.DelayedRuns:N0} runs coming due at {w.DueRate:N0}/s (Mode=all), p99 (ms; p50 {w.LatenessP50Ms.ToString("0", Inv)}, max {w.LatenessMaxMs.ToString("0", Inv)}; all delays registered before the first was due: {(w.AllDelayedBeforeFirstDue ? "yes" : "no")})",
            w.LatenessP99Ms, null, "≤ 1,000 ms", w.LatenessP99Ms <= 1000, "0");
        Report.Row(sb, $"workflows: rows per waiting run ({w.WaitingRuns:N0} runs in a 30-day waitFor; runs, waits, timeline, jobs)", w.RowsPerWaitingRun, null, "", null, "0.00");
        Report.Row(sb, "workflows: bytes per waiting run (those tables with their indexes, after VACUUM ANALYZE)", w.BytesPerWaitingRun, null, "", null, "N0");
        Report.Row(sb, $"workflows: CPU while they wait, service ms per s over {w.IdleWindow.TotalSeconds:0} s idle (PostgreSQL {w.IdlePostgresCpuMsPerSec.ToString("0.0", Inv)} ms/s); load: {w.Loads}",
            w.IdleWorkerCpuMsPerSec, null, "no worker held", null, "0.0");
    }
}
