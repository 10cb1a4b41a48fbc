using System.Diagnostics;
using Npgsql;

namespace NotificationService.Postgres;

/// <summary>
/// For tests and the benchmark: one embedded cluster per process (started on first use, stopped at
/// exit) and a fresh, uniquely named database per caller, so test classes never see each other's rows.
/// Set NS_TEST_POSTGRES to a server connection string to use an existing server instead.
/// <para>
/// Nothing is left behind. A cluster lives in <see cref="Root"/>/&lt;pid&gt;-&lt;id&gt; and goes with the process that
/// made it: at exit, and, since a test host may be killed before its exit handlers finish (`dotnet test` ends its test
/// hosts when the run is over), by a small watchdog that outlives it and waits for it to be gone. A folder whose
/// process is gone anyway (a run killed with the machine) is removed, its server stopped, when the next run starts.
/// </para>
/// </summary>
public static class TestDatabase
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _serverConnectionString;
    private static EmbeddedPostgres? _cluster;

    public static string Root => Path.Combine(Path.GetTempPath(), "ns-test-pg");

    public static async Task<string> ServerConnectionStringAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_serverConnectionString is not null) return _serverConnectionString;
            var configured = Environment.GetEnvironmentVariable("NS_TEST_POSTGRES");
            if (!string.IsNullOrEmpty(configured)) return _serverConnectionString = configured;

            await RemoveLeftoversAsync(Root);
            var dir = Path.Combine(Root, $"{Environment.ProcessId}-{Guid.NewGuid():N}"[..20]);
            // Throwaway data: no flush to disk per commit and no page images in the WAL. Safe against a killed server
            // (the operating system still holds every write), which is all a spec does to it; only a machine's crash loses data.
            // One test process runs many service hosts at once (four collections in parallel, specs with replicas of their
            // own), each with its pools (Database:MaxPoolSize 20, Jobs:MaxPoolSize 10) whose idle connections stay open for
            // Npgsql's five-minute idle lifetime: the suite reached the default cluster's 300 and a host's start was refused
            // ("53300: too many clients"). Room for three times what was seen, since a slower host overlaps more classes.
            _cluster = await EmbeddedPostgres.StartAsync(dir, settings: ["fsync=off", "full_page_writes=off", "max_connections=1000"]);
            var cluster = _cluster;
            RemoveWhenGone(cluster, Environment.ProcessId);
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                cluster.StopAsync(immediate: true).GetAwaiter().GetResult();   // throwaway data: no shutdown checkpoint to wait for
                try { Directory.Delete(dir, recursive: true); } catch { /* the watchdog finishes it */ }
            };
            return _serverConnectionString = cluster.ConnectionString;
        }
        finally { Gate.Release(); }
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> CreateAsync(string prefix = "t")
    {
        var server = await ServerConnectionStringAsync();
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)].ToLowerInvariant();
        await using (var admin = new NpgsqlConnection(server))
        {
            await admin.OpenAsync();
            await using var cmd = new NpgsqlCommand($"create database \"{name}\"", admin);
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Removes every cluster folder under <paramref name="root"/> whose owning process (the number its name starts with)
    /// is gone, stopping its server first if it still runs. Folders of live processes (other test runs) stay. Returns
    /// the folders removed.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RemoveLeftoversAsync(string root)
    {
        var removed = new List<string>();
        if (!Directory.Exists(root)) return removed;
        foreach (var dir in Directory.GetDirectories(root))
        {
            var name = Path.GetFileName(dir);
            if (!int.TryParse(name.Split('-')[0], out var owner) || IsAlive(owner)) continue;
            try
            {
                await EmbeddedPostgres.StopOrphanAsync(dir);
                Directory.Delete(dir, recursive: true);
                removed.Add(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // Another run removing it at the same moment, or not ours to delete: leave it.
            }
        }
        return removed;
    }

    /// <summary>
    /// Starts a detached watchdog (it survives <paramref name="ownerPid"/> being killed) that, once that process is gone,
    /// stops the cluster at once and deletes its folder. Linux and macOS; elsewhere the next run's leftover pass does it.
    /// </summary>
    public static void RemoveWhenGone(EmbeddedPostgres cluster, int ownerPid)
    {
        if (OperatingSystem.IsWindows()) return;
        // Its own stdio is /dev/null at once: holding the test host's output pipe open would keep a runner reading it waiting.
        var dataDirectory = cluster.DataDirectory.Replace("'", "'\\''");
        var script = $"exec >/dev/null 2>&1 </dev/null; while kill -0 {ownerPid} 2>/dev/null; do sleep 1; done; "
            + $"{cluster.StopShellCommand()} >/dev/null 2>&1; rm -rf '{dataDirectory}'";
        // The watchdog is started so that it is nobody's child in the test host's process tree (a tree kill does not
        // reach it): setsid forks it into a session of its own; without setsid, sh backgrounds it and exits at once.
        var psi = File.Exists("/usr/bin/setsid") || File.Exists("/bin/setsid")
            ? new ProcessStartInfo("setsid", ["-f", "sh", "-c", script])
            : new ProcessStartInfo("sh", ["-c", "nohup sh -c \"$0\" >/dev/null 2>&1 </dev/null &", script]);
        psi.UseShellExecute = false;
        try { using var p = Process.Start(psi); p?.WaitForExit(); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            /* no sh: the leftover pass covers it */
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}
