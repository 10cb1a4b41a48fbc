using Npgsql;

namespace NotificationService.Bench;

/// <summary>CPU used so far by the three parties of a run: the service process (a worker in the provider drains), PostgreSQL, and this process (load, fakes).</summary>
public readonly record struct CpuSample(TimeSpan Worker, TimeSpan Postgres, TimeSpan Bench);

/// <summary>
/// Reads CPU time from /proc, so a run can say where each message's (or CSV row's) CPU goes. Unlike a rate, CPU per message
/// hardly depends on how many other builds share the two cores, and their sum bounds what those cores can do.
/// PostgreSQL is the postmaster plus its live children (backends, walwriter, …) plus its reaped children.
/// </summary>
public sealed class CpuMeter(int workerPid, int postmasterPid)
{
    // USER_HZ: the unit of /proc/<pid>/stat times; 100 on every mainstream Linux build.
    private const double TicksPerSecond = 100;

    public static async Task<CpuMeter> ForAsync(int workerPid, NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("select setting from pg_settings where name = 'data_directory'");
        var dataDir = (string)(await cmd.ExecuteScalarAsync())!;
        var postmaster = int.Parse(File.ReadLines(Path.Combine(dataDir, "postmaster.pid")).First().Trim());
        return new CpuMeter(workerPid, postmaster);
    }

    public CpuSample Sample() => new(Seconds(Own(workerPid, false)), Postgres(), Seconds(Own(Environment.ProcessId, false)));

    /// <summary>CPU used so far by one process (not its children).</summary>
    public static TimeSpan Process(int pid) => Seconds(Own(pid, withReapedChildren: false));

    /// <summary>CPU used so far by one process; null once it has gone.</summary>
    public static TimeSpan? ProcessOrNull(int pid) => Fields($"/proc/{pid}/stat") is { } f ? Seconds(Ticks(f, withReapedChildren: false)) : null;

    /// <summary>CPU used so far by PostgreSQL alone (the postmaster, its live children and its reaped ones).</summary>
    public TimeSpan Postgres()
    {
        var postgres = Own(postmasterPid, withReapedChildren: true);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out var pid) && pid != postmasterPid && Fields($"{dir}/stat") is { } f && f[1] == postmasterPid.ToString())
                postgres += Ticks(f, withReapedChildren: false);
        return Seconds(postgres);
    }

    /// <summary>CPU used so far by one thread, from /proc/&lt;pid&gt;/task/&lt;tid&gt;; null once the thread has ended.</summary>
    public static TimeSpan? Thread(string taskDirectory) =>
        Fields(Path.Combine(taskDirectory, "stat")) is { } f ? Seconds(Ticks(f, withReapedChildren: false)) : null;

    private static long Own(int pid, bool withReapedChildren) => Fields($"/proc/{pid}/stat") is { } f ? Ticks(f, withReapedChildren) : 0;

    /// <summary>Fields after the command name: [0] state, [1] ppid, … [11] utime, [12] stime, [13] cutime, [14] cstime.</summary>
    private static string[]? Fields(string statFile)
    {
        try
        {
            var stat = File.ReadAllText(statFile);
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // the name in parentheses may hold spaces
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; } // the process ended meanwhile
    }

    private static long Ticks(string[] f, bool withReapedChildren) =>
        long.Parse(f[11]) + long.Parse(f[12]) + (withReapedChildren ? long.Parse(f[13]) + long.Parse(f[14]) : 0);

    private static TimeSpan Seconds(long ticks) => TimeSpan.FromSeconds(ticks / TicksPerSecond);
}
