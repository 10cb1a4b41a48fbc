using System.Globalization;
using Cronos;

namespace NotificationService.Workflows.Runs;

/// <summary>
/// How often a user wants a category's digests, chosen in their preferences: `immediate` (each event on its own), `hourly`
/// (at the top of each local hour), `daily` at a local time, `weekly` on a day at a local time. It replaces the window of a
/// digest step that says `"userSchedule": true`, in the recipient's profile time zone like a scheduled window.
/// </summary>
public sealed record DigestCadence(string Kind, TimeOnly At, DayOfWeek Day)
{
    public const string Immediate = "immediate", Hourly = "hourly", Daily = "daily", Weekly = "weekly";
    public static readonly string[] Kinds = [Immediate, Hourly, Daily, Weekly];
    /// <summary>The weekday names, in <see cref="DayOfWeek"/> order (as quiet hours name them).</summary>
    public static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    /// <summary>The cadence a preference names, or the problems with it by field (`cadence`, `at`, `day`).</summary>
    public static DigestCadence? Parse(string? kind, string? at, string? day, out Dictionary<string, string> problems)
    {
        problems = [];
        if (kind is null || !Kinds.Contains(kind))
        {
            problems["cadence"] = $"One of {string.Join(", ", Kinds)}.";
            return null;
        }
        var needsTime = kind is Daily or Weekly;
        var time = TimeOnly.MinValue;
        if (needsTime && !TimeOnly.TryParseExact(at ?? "", "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time))
            problems["at"] = "A local time, HH:mm (e.g. 09:00).";
        else if (!needsTime && at is not null) problems["at"] = "Only a daily or weekly cadence has a time.";
        var weekday = DayOfWeek.Monday;
        if (kind == Weekly)
        {
            if (Array.IndexOf(DayNames, day ?? "") is var i and >= 0) weekday = (DayOfWeek)i;
            else problems["day"] = "One of mon, tue, wed, thu, fri, sat, sun.";
        }
        else if (day is not null) problems["day"] = "Only a weekly cadence has a day.";
        return problems.Count == 0 ? new DigestCadence(kind, time, weekday) : null;
    }

    /// <summary>The window this cadence opens now: `immediate` closes with its one event; the others at their next local time.</summary>
    public DigestPlan Plan(int keepFirst, int keepLast, int maxEvents, DateTimeOffset now, string? timeZone) => Kind == Immediate
        ? new DigestPlan("fixed", now, null, null, 1, keepFirst, keepLast, false)
        : new DigestPlan("scheduled", DigestPlan.NextOccurrence(Cron(), timeZone, now), null, null, maxEvents, keepFirst, keepLast, false);

    private CronExpression Cron() => CronExpression.Parse(Kind switch
    {
        Hourly => "0 * * * *",
        Daily => $"{At.Minute} {At.Hour} * * *",
        _ => $"{At.Minute} {At.Hour} * * {(int)Day}",
    });

    /// <summary>As the timeline says it: `the recipient's cadence: daily at 09:00`.</summary>
    public string Describe() => "the recipient's cadence: " + Kind switch
    {
        Daily => $"daily at {Time}",
        Weekly => $"weekly on {DayNames[(int)Day]} at {Time}",
        _ => Kind,
    };

    private string Time => At.ToString("HH:mm", CultureInfo.InvariantCulture);
}
