using NodaTime;

namespace NotificationService.Workflows.Runs;

/// <summary>
/// "The next 09:00 where the recipient is." NodaTime's tzdb (shipped inside the package, the same on every host) rather than
/// the operating system's zone files: the answer must not change with the machine a worker runs on. A local time that a
/// clock change skips (02:30 on a spring-forward night) moves forward by the gap's length (03:30); one that happens twice
/// (autumn) as the first of the two. An unknown or absent zone is UTC.
/// </summary>
public static class LocalTimes
{
    public static DateTimeZone Zone(string? timeZone) =>
        timeZone is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(timeZone) is { } zone ? zone : DateTimeZone.Utc;

    /// <summary>The first instant strictly after <paramref name="now"/> whose local time in the zone is <paramref name="time"/>.</summary>
    public static DateTimeOffset Next(TimeOnly time, string? timeZone, DateTimeOffset now)
    {
        var zone = Zone(timeZone);
        var localNow = Instant.FromDateTimeOffset(now).InZone(zone).LocalDateTime;
        var target = new LocalTime(time.Hour, time.Minute);
        var candidate = localNow.Date + target;
        for (var i = 0; i < 3; i++, candidate = candidate.PlusDays(1))
        {
            var at = candidate.InZoneLeniently(zone).ToInstant().ToDateTimeOffset();
            if (at > now) return at;
        }
        throw new InvalidOperationException("no next local time within three days");
    }
}
