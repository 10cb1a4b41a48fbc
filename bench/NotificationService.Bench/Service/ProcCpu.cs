namespace NotificationService.Bench.Service;

/// <summary>CPU time read from /proc, for CPU-per-row figures that are steadier than wall time on a shared host.</summary>
public static class ProcCpu
{
    /// <summary>
    /// CPU used so far by every process named `postgres` on this machine (the harness's cluster is the only one
    /// while it runs): the backends, the WAL writer, the checkpointer. Read before and after a phase, the
    /// difference says how much of the two cores the database took, beside the service's own CPU.
    /// </summary>
    public static TimeSpan PostgresTotal()
    {
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                if (stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')] == "postgres") ticks += CpuTicks(stat);
            }
            catch (IOException) { } // the process exited meanwhile
        }
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>utime + stime from a /proc/&lt;pid&gt;[/task/&lt;tid&gt;]/stat line (fields 14 and 15 of proc(5)), in 1/100 s.</summary>
    public static long CpuTicks(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // the name in parentheses may hold spaces
        return long.Parse(fields[11]) + long.Parse(fields[12]);
    }
}
