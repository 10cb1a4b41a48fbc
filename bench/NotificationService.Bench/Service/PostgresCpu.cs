namespace NotificationService.Bench.Service;

/// <summary>
/// CPU used so far by every process named `postgres` on this machine (the harness's cluster is the only one
/// while it runs): the backends, the WAL writer, the checkpointer. Read before and after a phase, the
/// difference says how much of the two cores the database took, beside the service's own CPU.
/// </summary>
public static class PostgresCpu
{
    public static TimeSpan Total()
    {
        long ticks = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var open = stat.IndexOf('(');
                var close = stat.LastIndexOf(')');
                if (stat[(open + 1)..close] != "postgres") continue;
                var fields = stat[(close + 2)..].Split(' ');
                ticks += long.Parse(fields[11]) + long.Parse(fields[12]); // utime, stime (fields 14 and 15 of proc(5)), 1/100 s
            }
            catch (IOException) { } // the process exited meanwhile
        }
        return TimeSpan.FromSeconds(ticks / 100.0);
    }
}
