namespace NotificationService.Bench;

/// <summary>The 1-minute load average (as `uptime` shows it) when a figure was taken: the machine is shared.</summary>
public static class LoadAverage
{
    public static double Now() =>
        File.Exists("/proc/loadavg") && double.TryParse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture, out var l)
            ? l : double.NaN;
}
