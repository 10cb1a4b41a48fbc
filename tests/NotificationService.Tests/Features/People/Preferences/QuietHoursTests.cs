using NotificationService.Features.People.Preferences;

namespace NotificationService.Tests.Features.People.Preferences;

/// <summary>Quiet-hours windows on the user's local clock: overnight windows, chained windows, DST, and outside any window.</summary>
public class QuietHoursTests
{
    private static QuietHours Parse(string zone, params (string[] Days, string Start, string End)[] windows) => PreferenceRules.Parse(new QuietHoursDto
    {
        TimeZone = zone,
        Windows = windows.Select(w => new QuietWindowDto { Days = [.. w.Days], Start = w.Start, End = w.End }).ToList(),
    })!;

    [Fact]
    public void An_overnight_window_ends_the_next_local_morning_and_covers_nothing_outside_it()
    {
        var q = Parse("Europe/Paris", (["mon"], "22:00", "07:00"));
        // Monday 2026-11-23 23:30 in Paris (UTC+1) is 22:30 UTC: held until Tuesday 07:00 Paris = 06:00 UTC.
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero), q.EndOfQuietAt(new DateTimeOffset(2026, 11, 23, 22, 30, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero), q.EndOfQuietAt(new DateTimeOffset(2026, 11, 24, 5, 0, 0, TimeSpan.Zero)));
        Assert.Null(q.EndOfQuietAt(new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero)));   // the end is not quiet
        Assert.Null(q.EndOfQuietAt(new DateTimeOffset(2026, 11, 24, 22, 30, 0, TimeSpan.Zero)));  // Tuesday night is not in the window
    }

    [Fact]
    public void Back_to_back_windows_chain_into_one_hold()
    {
        var q = Parse("UTC", (["sat"], "20:00", "00:00"), (["sun"], "00:00", "09:00"));
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero), q.EndOfQuietAt(new DateTimeOffset(2026, 11, 21, 21, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void A_window_keeps_its_local_hours_across_a_daylight_saving_change()
    {
        // Europe/Paris leaves summer time on Sunday 2026-10-25: 07:00 local is 05:00 UTC on Saturday, 06:00 UTC on Sunday.
        var q = Parse("Europe/Paris", (["fri", "sat"], "22:00", "07:00"));
        Assert.Equal(new DateTimeOffset(2026, 10, 24, 5, 0, 0, TimeSpan.Zero), q.EndOfQuietAt(new DateTimeOffset(2026, 10, 23, 23, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 6, 0, 0, TimeSpan.Zero), q.EndOfQuietAt(new DateTimeOffset(2026, 10, 24, 23, 0, 0, TimeSpan.Zero)));
    }
}
