namespace NotificationService.Bench;

/// <summary>The 1-minute load average (as `uptime` shows it) when a figure was taken: the machine is shared.</summary>
public static class LoadAverage
{
    public static double Now() =>
        File.Exists("/proc/loadavg") && double.TryParse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture, out var l)
            ? l : double.NaN;

    /// <summary>The 1-, 5- and 15-minute load averages, "1.23, 0.98, 0.75".</summary>
    public static string Text() =>
        File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
