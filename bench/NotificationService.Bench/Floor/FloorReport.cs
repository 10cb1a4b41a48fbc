using System.Text;

namespace NotificationService.Bench.Floor;

/// <summary>
/// The floor phase's rows for one round: each step's rate against the claim ceiling drained in the same round, and what a
/// job cost PostgreSQL. Names carry no per-round value, so the run's spread table finds each row in every round.
/// </summary>
public static class FloorReport
{
    public static void Append(StringBuilder sb, FloorResult f)
    {
        var size = $"{f.Jobs:N0} jobs, 4 connections, 100 a statement";
        foreach (var step in f.Steps)
        {
            var ceiling = ReferenceEquals(step, f.Ceiling) ? (double?)null : f.Ceiling.Rate;
            Report.Row(sb, $"floor: {step.Name}, {size} (jobs/s; ratio: to the ceiling drained in the same round)", step.Rate, ceiling,
                "", null);
            Report.Row(sb, $"floor: {step.Name}: PostgreSQL CPU per job (µs)", step.PostgresMicros, null, "", null, "0.0");
        }
        Report.Row(sb, "floor: the bench's own CPU per job, the most of any step (µs)", f.Steps.Max(s => s.BenchMicros), null, "", null,
            "0.0");
    }
}
