using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace NotificationService.Postgres;

/// <summary>
/// A private PostgreSQL cluster started from the installed server binaries, under a data folder of
/// its own, on a free loopback port. Used when no connection string is configured, and by the tests.
/// initdb refuses to run as root, so as root every server command runs as the `postgres` user.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly bool _asRoot;
    private readonly bool _stopOnDispose;
    private bool _startedHere;

    public string DataDirectory { get; }
    public int Port { get; private set; }
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;No Reset On Close=true";

    private EmbeddedPostgres(string bin, string dataDirectory, bool stopOnDispose)
    {
        _bin = bin;
        DataDirectory = Path.GetFullPath(dataDirectory);
        _asRoot = Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root";
        _stopOnDispose = stopOnDispose;
    }

    /// <summary>Starts (creating when needed) a cluster in <paramref name="dataDirectory"/>; reuses one already running there.</summary>
    /// <param name="settings">Extra server settings (`name=value`), e.g. the benchmark's
    /// `shared_preload_libraries=pg_stat_statements`.</param>
    /// <param name="port">The port to listen on (a free one when null): a restart on the same port lets clients reconnect.</param>
    public static async Task<EmbeddedPostgres> StartAsync(string dataDirectory, bool stopOnDispose = true, Action<string>? log = null,
        CancellationToken ct = default, IEnumerable<string>? settings = null, int? port = null)
    {
        var pg = new EmbeddedPostgres(PostgresBinaries.Locate(), dataDirectory, stopOnDispose);
        await pg.StartCoreAsync(log ?? (_ => { }), settings ?? [], port, ct);
        return pg;
    }

    private async Task StartCoreAsync(Action<string> log, IEnumerable<string> settings, int? port, CancellationToken ct)
    {
        var pgData = Path.Combine(DataDirectory, "pgdata");
        Directory.CreateDirectory(DataDirectory);
        GrantToPostgresUser(DataDirectory);

        if (!File.Exists(Path.Combine(pgData, "PG_VERSION")))
        {
            log($"initdb {pgData}");
            await RunAsync("initdb", ["-D", pgData, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], ct);
        }

        var pidFile = Path.Combine(pgData, "postmaster.pid");
        if (File.Exists(pidFile) && TryReadRunningPort(pidFile) is { } running)
        {
            Port = running;
            log($"reusing running PostgreSQL on port {Port}");
            return;
        }

        Port = port ?? FreePort();
        var socketDir = Path.Combine(DataDirectory, "run");
        Directory.CreateDirectory(socketDir);
        GrantToPostgresUser(socketDir);
        // Tuned for a disposable local cluster: durability settings stay on (a 202 means committed),
        // but commit_delay lets concurrent commits share one WAL flush.
        string[] opts =
        [
            $"-p {Port}", "-h 127.0.0.1", $"-k {socketDir}",
            "-c max_connections=300", "-c shared_buffers=256MB", "-c commit_delay=50", "-c jit=off",
            "-c wal_level=minimal", "-c max_wal_senders=0", "-c max_wal_size=2GB", "-c checkpoint_timeout=15min",
            .. settings.Select(s => $"-c {s}"),
        ];
        _startedHere = true;
        await RunAsync("pg_ctl", ["-D", pgData, "-o", string.Join(' ', opts), "-l", Path.Combine(DataDirectory, "postgres.log"),
            "-w", "-t", "60", "start"], ct);
    }

    private static int? TryReadRunningPort(string pidFile)
    {
        try
        {
            var lines = File.ReadAllLines(pidFile);
            if (lines.Length < 4 || !int.TryParse(lines[0], out var pid) || !int.TryParse(lines[3], out var port)) return null;
            try { Process.GetProcessById(pid); } catch (ArgumentException) { return null; }
            using var probe = new TcpClient();
            probe.Connect(IPAddress.Loopback, port);
            return port;
        }
        catch { return null; }
    }

    /// <param name="immediate">Stop without a shutdown checkpoint: for a throwaway cluster whose data is deleted next.</param>
    public async Task StopAsync(bool immediate = false)
    {
        try
        {
            await RunAsync("pg_ctl", ["-D", Path.Combine(DataDirectory, "pgdata"), "-m", immediate ? "immediate" : "fast", "-w", "stop"],
                CancellationToken.None);
        }
        catch (InvalidOperationException) { /* already stopped */ }
    }

    /// <summary>
    /// Stops a server still running in <paramref name="dataDirectory"/> whose owner is gone (a test run that was killed
    /// leaves its cluster running); true when there was one.
    /// </summary>
    public static async Task<bool> StopOrphanAsync(string dataDirectory)
    {
        var pidFile = Path.Combine(dataDirectory, "pgdata", "postmaster.pid");
        if (!File.Exists(pidFile) || TryReadRunningPort(pidFile) is null) return false;
        await new EmbeddedPostgres(PostgresBinaries.Locate(), dataDirectory, stopOnDispose: true).StopAsync(immediate: true);
        return true;
    }

    /// <summary>The shell command that stops this cluster at once (as the `postgres` user when root), for a watchdog script.</summary>
    public string StopShellCommand()
    {
        static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";
        var stop = $"{Quote(Path.Combine(_bin, "pg_ctl"))} -D {Quote(Path.Combine(DataDirectory, "pgdata"))} -m immediate -w stop";
        return _asRoot ? $"runuser -u postgres -- {stop}" : stop;
    }

    /// <summary>Stops the cluster if this instance started it (a cluster found running belongs to someone else).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopOnDispose && _startedHere) await StopAsync();
    }

    private void GrantToPostgresUser(string path)
    {
        if (!_asRoot || OperatingSystem.IsWindows()) return; // (no ownership to hand over on Windows; also tells the analyzer so)
        Process.Start("chown", ["-R", "postgres:postgres", path])!.WaitForExit();
        // runuser needs to traverse every parent folder.
        for (var dir = Path.GetDirectoryName(path); !string.IsNullOrEmpty(dir) && dir != "/"; dir = Path.GetDirectoryName(dir))
        {
            var mode = File.GetUnixFileMode(dir);
            if (!mode.HasFlag(UnixFileMode.OtherExecute)) File.SetUnixFileMode(dir, mode | UnixFileMode.OtherExecute);
        }
    }

    private async Task RunAsync(string tool, string[] args, CancellationToken ct)
    {
        var exe = Path.Combine(_bin, tool);
        var psi = _asRoot
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", exe, .. args])
            : new ProcessStartInfo(exe, args);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.WorkingDirectory = DataDirectory;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {tool}");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{tool} failed ({p.ExitCode}): {await stderr}{await stdout}".Trim());
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
