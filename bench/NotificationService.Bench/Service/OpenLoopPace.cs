using System.Diagnostics;

namespace NotificationService.Bench.Service;

/// <summary>
/// When an open-loop send leaves: at its scheduled time as closely as the timer tells it, never before, and without
/// spinning. The load generator shares the two cores with the service and PostgreSQL: spinning out the last millisecond
/// before each send spun every gap under two milliseconds whole, so at 500 sends a second and above it kept one core busy
/// for the whole window (the host 95 % busy at 500/s, every statement of the worker's taking about 2 ms), and the
/// latencies were those of a service left one core. Waiting on the timer instead, a send leaves up to about a millisecond
/// after its scheduled time, and sends due within one tick leave together; latency still counts from the scheduled time,
/// so that lateness is in the figure, not hidden from it. Every open loop of the bench paces through it.
/// </summary>
internal static class OpenLoopPace
{
    /// <summary>Returns at or after <paramref name="due"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public static async Task UntilAsync(long due)
    {
        for (var left = due - Stopwatch.GetTimestamp(); left > 0; left = due - Stopwatch.GetTimestamp())
        {
            var ticks = Math.Max(TimeSpan.TicksPerMillisecond, left * TimeSpan.TicksPerSecond / Stopwatch.Frequency);
            await Task.Delay(TimeSpan.FromTicks(ticks));
        }
    }
}
