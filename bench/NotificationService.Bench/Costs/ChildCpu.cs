using System.Collections.Concurrent;
using System.Diagnostics;

namespace NotificationService.Bench.Costs;

/// <summary>
/// CPU used by the processes the bench starts (service processes, the service binary's commands), alive or ended. A
/// process's time can no longer be read once it has exited and been reaped, so each tracked process is read every
/// 100 ms while it runs and its last reading is kept when it ends: a window's service CPU is then the difference of
/// two <see cref="Total"/> readings, whichever processes came and went in between (at most 100 ms of each one's
/// shutdown is missed).
/// </summary>
public static class ChildCpu
{
    private static readonly ConcurrentDictionary<int, TimeSpan> LastSeen = new();
    private static long _endedTicks;

    public static void Track(Process process)
    {
        var pid = process.Id;
        LastSeen[pid] = TimeSpan.Zero;
        _ = Task.Run(async () =>
        {
            while (!process.HasExited)
            {
                if (CpuMeter.ProcessOrNull(pid) is { } used) LastSeen[pid] = used;
                await Task.Delay(100);
            }
            if (LastSeen.TryRemove(pid, out var last)) Interlocked.Add(ref _endedTicks, last.Ticks);
        });
    }

    /// <summary>CPU of every tracked process so far: the ended ones' last readings plus the live ones read now.</summary>
    public static TimeSpan Total()
    {
        var total = TimeSpan.FromTicks(Interlocked.Read(ref _endedTicks));
        foreach (var (pid, last) in LastSeen)
            total += CpuMeter.ProcessOrNull(pid) is { } now && now > last ? now : last;
        return total;
    }
}
