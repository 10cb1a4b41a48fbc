using System.Globalization;
using System.Text.RegularExpressions;

namespace NotificationService.Workflows.Definitions;

/// <summary>
/// ISO 8601 durations of fixed length: weeks, days, hours, minutes and seconds (`PT30M`, `P1D`, `P2W`, `PT1.5S`). Years and
/// months are refused: their length depends on the calendar, and a wait of "a month" would mean different things to different
/// readers.
/// </summary>
public static partial class IsoDuration
{
    [GeneratedRegex(@"^P(?!$)(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?=\d)(?:(\d{1,7})H)?(?:(\d{1,9})M)?(?:(\d{1,10}(?:\.\d{1,3})?)S)?)?$")]
    private static partial Regex Pattern();

    public const string Expected = "an ISO 8601 duration such as PT30M, PT2H, P1D or P2W (no years or months)";

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (text is null || Pattern().Match(text) is not { Success: true } m) return false;
        double Part(int i) => m.Groups[i].Success ? double.Parse(m.Groups[i].Value, CultureInfo.InvariantCulture) : 0;
        var seconds = Part(1) * 7 * 86400 + Part(2) * 86400 + Part(3) * 3600 + Part(4) * 60 + Part(5);
        if (seconds > TimeSpan.MaxValue.TotalSeconds / 2) return false;
        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary>The shortest ISO form of a whole-second duration (what the console shows).</summary>
    public static string Format(TimeSpan t)
    {
        if (t == TimeSpan.Zero) return "PT0S";
        var s = "P" + (t.Days > 0 ? $"{t.Days}D" : "");
        var time = (t.Hours > 0 ? $"{t.Hours}H" : "") + (t.Minutes > 0 ? $"{t.Minutes}M" : "") + (t.Seconds > 0 ? $"{t.Seconds}S" : "");
        return time.Length > 0 ? s + "T" + time : s;
    }
}
