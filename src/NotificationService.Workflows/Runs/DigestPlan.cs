using Cronos;
using NodaTime;
using NotificationService.Workflows.Definitions;

namespace NotificationService.Workflows.Runs;

/// <summary>
/// How a window the run opens behaves, decided when the run reaches the digest step: when it closes
/// (<see cref="ClosesAt"/>), how far each event moves a sliding window's close (<see cref="Quiet"/>) and where that stops
/// (<see cref="HardCloseAt"/>), at how many events it closes early, how many events' data it keeps, and whether its first
/// event passes at once (backoff). A window that is already open keeps its own plan; only a sliding one moves its close.
/// </summary>
public sealed record DigestPlan(string Kind, DateTimeOffset ClosesAt, TimeSpan? Quiet, DateTimeOffset? HardCloseAt, int MaxEvents,
    int KeepFirst, int KeepLast, bool PassesFirst)
{
    /// <summary>
    /// A live in-app window: the digest step is followed by a send on `in_app` alone (this is its id), so the window is one
    /// inbox item from its first event on. The run that opens the window carries it at once (its item says "1"); each event
    /// that joins updates that item's count and text on the user's stream, and at the close the others end digested.
    /// </summary>
    public string? LiveSendStep { get; init; }

    /// <param name="cadence">The recipient's digest cadence for the workflow's category: it replaces the step's window when the
    /// step says `userSchedule`.</param>
    public static DigestPlan For(DigestStep step, DateTimeOffset now, string? timeZone, DigestCadence? cadence = null)
    {
        var (first, last, max) = (step.Keep.First, step.Keep.Last, step.MaxEvents);
        if (step.UserSchedule && cadence is not null) return cadence.Plan(first, last, max, now, timeZone);
        return step.Window switch
        {
            DigestWindow.Fixed f => new("fixed", now + f.Length, null, null, max, first, last, false),
            DigestWindow.Sliding s => new("sliding", now + s.Quiet, s.Quiet, now + s.Max, max, first, last, false),
            DigestWindow.Scheduled c => new("scheduled", NextOccurrence(c.Cron, timeZone, now), null, null, max, first, last, false),
            DigestWindow.Backoff b => new("backoff", now + b.Length, null, null, max, first, last, true),
            _ => throw new InvalidOperationException($"unknown window {step.Window}"),
        };
    }

    /// <summary>
    /// The cron's first occurrence strictly after <paramref name="now"/> in the recipient's zone. Cronos reads the local wall
    /// clock (the zone's local time handed to it as if it were UTC) and NodaTime's tzdb maps its answer back, the same way
    /// <see cref="LocalTimes"/> does for `untilLocalTime`: a daily 09:00 stays 09:00 local across a clock change; a local time
    /// the spring change skips moves forward by the gap; one the autumn change repeats is the first of the two.
    /// </summary>
    public static DateTimeOffset NextOccurrence(CronExpression cron, string? timeZone, DateTimeOffset now)
    {
        var zone = LocalTimes.Zone(timeZone);
        var from = DateTime.SpecifyKind(Instant.FromDateTimeOffset(now).InZone(zone).LocalDateTime.ToDateTimeUnspecified(),
            DateTimeKind.Utc);
        for (var i = 0; i < 1000; i++)
        {
            var next = cron.GetNextOccurrence(from) ?? throw new InvalidOperationException("the cron expression never fires");
            var at = LocalDateTime.FromDateTime(DateTime.SpecifyKind(next, DateTimeKind.Unspecified)).InZoneLeniently(zone)
                .ToInstant().ToDateTimeOffset();
            if (at > now) return at;
            from = next;
        }
        throw new InvalidOperationException("no next occurrence");
    }
}
