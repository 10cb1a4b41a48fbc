using System.Globalization;

namespace NotificationService.Features.People.Preferences;

/// <summary>
/// A user's quiet hours, parsed: weekly windows in an IANA time zone. Windows are evaluated on the local clock, so a
/// 22:00–07:00 window stays 22:00–07:00 across daylight-saving changes. Without a zone of their own (<see cref="Zone"/>
/// null) they follow the one the caller passes: the user's profile time zone, else UTC.
/// </summary>
public sealed record QuietHours(TimeZoneInfo? Zone, IReadOnlyList<QuietWindow> Windows, IReadOnlyDictionary<string, string> Behaviour)
{
    public static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];   // DayOfWeek order

    /// <summary>When the quiet time covering <paramref name="now"/> ends (UTC), or null if none does. Back-to-back windows chain.</summary>
    public DateTimeOffset? EndOfQuietAt(DateTimeOffset now, TimeZoneInfo? defaultZone = null)
    {
        var zone = Zone ?? defaultZone ?? TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        DateTime? end = null;
        for (var hop = 0; hop < 8; hop++)   // a chain of windows covering the whole week ends after at most 7 days
        {
            var at = end ?? local;
            var next = Windows.Select(w => w.EndIfCovering(at)).Where(e => e is not null).Max();
            if (next is null) break;
            end = next;
        }
        return end is { } e ? ToUtc(e, zone) : null;
    }

    private static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        // A local time skipped by a spring-forward does not exist: the window ends at the first moment after the gap.
        while (zone.IsInvalidTime(unspecified)) unspecified = unspecified.AddMinutes(1);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(unspecified, zone), TimeSpan.Zero);
    }

    public static bool TryParseTime(string? s, out TimeSpan time)
    {
        time = default;
        if (s is null || !TimeOnly.TryParseExact(s, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t))
            return false;
        time = t.ToTimeSpan();
        return true;
    }
}

/// <summary>One weekly window: from <see cref="Start"/> on each of <see cref="Days"/> to <see cref="End"/> (the next day if
/// earlier).</summary>
public sealed record QuietWindow(IReadOnlySet<DayOfWeek> Days, TimeSpan Start, TimeSpan End)
{
    private TimeSpan Length => End > Start ? End - Start : End + TimeSpan.FromDays(1) - Start;

    /// <summary>The local end of this window if it covers <paramref name="local"/> (started today or yesterday).</summary>
    public DateTime? EndIfCovering(DateTime local)
    {
        for (var back = 0; back <= 1; back++)
        {
            var day = local.Date.AddDays(-back);
            if (!Days.Contains(day.DayOfWeek)) continue;
            var start = day + Start;
            var end = start + Length;
            if (start <= local && local < end) return end;
        }
        return null;
    }
}
