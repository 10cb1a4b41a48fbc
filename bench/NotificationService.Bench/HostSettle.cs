using System.Diagnostics;

namespace NotificationService.Bench;

/// <summary>
/// Waits, before the ceilings, for what the service's build left behind to pass: its files' dirty pages written out
/// (`sync`) and the cores idle again. Measured straight after a build, the batch-insert ceiling read 143,000-171,000
/// rows/s on a host where it read 199,000-266,000 without one (the same session, the same code): the ceiling's 5 s met
/// the build's writeback and compiler servers, and every ratio divided by it read high.
/// </summary>
public static class HostSettle
{
    private static readonly TimeSpan Longest = TimeSpan.FromSeconds(60);
    private const double IdleEnough = 0.85;

    /// <returns>What it waited, for the report's notes.</returns>
    public static async Task<string> WaitAsync()
    {
        var sw = Stopwatch.StartNew();
        using (var sync = Process.Start(new ProcessStartInfo("sync") { UseShellExecute = false })!) await sync.WaitForExitAsync();
        var idle = double.NaN;
        for (var quiet = 0; quiet < 2 && sw.Elapsed < Longest;)
        {
            idle = await IdleOverAsync(TimeSpan.FromSeconds(1));
            quiet = idle >= IdleEnough ? quiet + 1 : 0;
            Progress.Show($"settling before the ceilings: cores {idle:P0} idle ({sw.Elapsed.TotalSeconds:0} s)");
        }
        return $"before the ceilings: `sync` and {sw.Elapsed.TotalSeconds:0} s until the cores were at least {IdleEnough:P0} idle for 2 s " +
               $"(last second {idle:P0} idle{(sw.Elapsed >= Longest ? "; gave up waiting" : "")})";
    }

    /// <summary>The share of all cores' time idle (idle + iowait) over <paramref name="span"/>, from /proc/stat; NaN elsewhere.</summary>
    private static async Task<double> IdleOverAsync(TimeSpan span)
    {
        if (!File.Exists("/proc/stat")) return double.NaN;
        var before = Read();
        await Task.Delay(span);
        var after = Read();
        var total = after.Total - before.Total;
        return total > 0 ? (double)(after.Idle - before.Idle) / total : double.NaN;

        static (long Idle, long Total) Read()
        {
            var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            return (f[3] + f[4], f.Take(8).Sum());
        }
    }
}
