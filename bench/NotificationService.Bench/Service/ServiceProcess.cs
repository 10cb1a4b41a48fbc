using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace NotificationService.Bench.Service;

/// <summary>
/// The service as a child process (`dotnet NotificationService.dll serve`) from its Release build, so its
/// memory is its own and can be read from /proc/&lt;pid&gt;/status.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    public const string ApiKey = "nsk_bench000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    /// <summary>An operator key every service process accepts (`Platform:Keys:bench`): phases make their tenants through the
    /// platform API rather than a `tenants create` process each.</summary>
    public const string PlatformKey = "nsp_bench000_PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP";

    private readonly Process _process;
    private readonly List<string> _output = [];

    public Uri BaseAddress { get; }
    public string Mode { get; }

    /// <summary>The build and database this process runs on, for the binary's own commands beside it.</summary>
    public string Dll { get; }
    public string ConnectionString { get; }
    public int Pid => _process.Id;

    /// <summary>Service processes started so far in this run (each phase's log line says how many it started).</summary>
    public static int Started => _started;
    private static int _started;

    /// <summary>Wall time spent so far waiting for service processes to answer after their start, and to exit after SIGTERM.</summary>
    public static TimeSpan StartingTime => TimeSpan.FromTicks(Interlocked.Read(ref _startingTicks));
    public static TimeSpan StoppingTime => TimeSpan.FromTicks(Interlocked.Read(ref _stoppingTicks));
    private static long _startingTicks, _stoppingTicks;

    /// <summary>CPU the service processes used until they answered ready (runtime start, JIT, migrations and seed that
    /// fell to them): what a start costs, which a busy host hardly changes, unlike the seconds it takes.</summary>
    public static TimeSpan StartingCpu => TimeSpan.FromTicks(Interlocked.Read(ref _startingCpuTicks));
    private static long _startingCpuTicks;

    /// <summary>What `--service-env` asked for: applied to every service process, after each phase's own settings.</summary>
    public static IReadOnlyDictionary<string, string> OperatorEnv { get; set; } = new Dictionary<string, string>();

    private ServiceProcess(Process process, Uri baseAddress, string mode, string dll, string connectionString)
    {
        _process = process;
        BaseAddress = baseAddress;
        Mode = mode;
        Dll = dll;
        ConnectionString = connectionString;
    }

    /// <summary>Builds the service in Release once per run (the bench's own build does not cover it).</summary>
    public static async Task<string> BuildAsync(string repoRoot)
    {
        var project = Path.Combine(repoRoot, "src", "NotificationService", "NotificationService.csproj");
        // Directory.Build.props turns the compiler server on whatever the environment says; `UseSharedCompilation=false` in
        // the bench's environment is passed on as a property, for hosts where concurrent builds share one server and it
        // reports bogus Razor errors.
        string[] server = Environment.GetEnvironmentVariable("UseSharedCompilation") is { Length: > 0 } shared ? [$"-p:UseSharedCompilation={shared}"] : [];
        var psi = new ProcessStartInfo("dotnet", ["build", project, "-c", "Release", "-v", "q", "-nologo", .. server])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = repoRoot,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"service build failed:\n{await stdout}\n{await stderr}");
        var dll = Path.Combine(repoRoot, "src", "NotificationService", "bin", "Release", "net10.0", "NotificationService.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("service build produced no dll", dll);
        return dll;
    }

    public static async Task<ServiceProcess> StartAsync(string dll, string connectionString, string mode, IDictionary<string, string>? extraEnv = null)
    {
        var port = FreePort();
        var psi = Command(dll, connectionString, "serve", "--urls", $"http://127.0.0.1:{port}");
        psi.Environment["Mode"] = mode;
        psi.Environment["Platform__Keys__bench"] = PlatformKey;
        // A copy of the seeded database has the demo tenant already: seeding it again at start was 40 % of a start's CPU
        // (EF Core's first use JIT-compiled), and the smoke run starts the service some fifty times.
        if (SeededCopyNames.ContainsKey(new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database ?? "")) psi.Environment["Seed__OnStart"] = "false";
        foreach (var (k, v) in extraEnv ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        foreach (var (k, v) in OperatorEnv) psi.Environment[k] = v;

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the service");
        Interlocked.Increment(ref _started);
        Costs.ChildCpu.Track(process);
        var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}/"), mode, dll, connectionString);
        process.OutputDataReceived += (_, e) => service.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => service.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var starting = Stopwatch.StartNew();
        // Patience, not a figure: on a host as busy as the suite makes it a start took 89 s and more.
        try
        {
            await service.WaitReadyAsync(Waits.Smoke ? TimeSpan.FromMinutes(5) : TimeSpan.FromSeconds(90));
            Interlocked.Add(ref _startingCpuTicks, (CpuMeter.ProcessOrNull(process.Id) ?? TimeSpan.Zero).Ticks);
        }
        catch
        {
            // Nobody holds it to dispose it: left running, its workers kept polling through every later phase, and on a
            // busy host each start that timed out made the next one slower (six such processes outlived their phases).
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
            throw;
        }
        finally { Interlocked.Add(ref _startingTicks, starting.Elapsed.Ticks); }
        return service;
    }

    /// <summary>Databases made as copies of a seeded one (<see cref="SeedDatabaseAsync"/>): a start on them does not seed.</summary>
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> SeededCopyNames = new();

    /// <summary>
    /// Makes <paramref name="connectionString"/>'s database what a service start makes of an empty one (migrated, demo
    /// tenant seeded) with the binary's `seed` command: the run copies it for each phase (`create database … template`),
    /// so a start finds nothing to migrate and templates it need not compile. Phases change their copies, never it.
    /// </summary>
    public static Task SeedDatabaseAsync(string dll, string connectionString) => RunCommandAsync(dll, connectionString, "seed");

    /// <summary>Runs one of the binary's commands on a database (e.g. `members sign-in-link`); returns what it printed.</summary>
    public static async Task<string> RunCommandAsync(string dll, string connectionString, params string[] args)
    {
        var psi = Command(dll, connectionString, args);
        foreach (var (k, v) in OperatorEnv) psi.Environment[k] = v;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start `{string.Join(' ', args)}`");
        Costs.ChildCpu.Track(process);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"`{string.Join(' ', args)}` exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");
        return await stdout;
    }

    /// <summary>The service binary running <paramref name="args"/> on a database, with the settings every bench process gets.</summary>
    private static ProcessStartInfo Command(string dll, string connectionString, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet", [dll, .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        psi.Environment["ConnectionStrings__Postgres"] = connectionString;
        psi.Environment["Seed__OnStart"] = "true";
        psi.Environment["Seed__DemoApiKey"] = ApiKey;
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // The load phases send far past one tenant's default limits: off unless a phase measures them (tenant-limits).
        psi.Environment["RateLimits__Enabled"] = "false";
        // So do its stream phases: 10,000 streams of the demo tenant, the tenant-wide cap's default, with more opening as others close.
        psi.Environment["Inbox__MaxStreamsPerTenant"] = "1000000";
        if (Waits.Smoke)
        {
            // The smoke proves that every step runs, on a host as busy as the suite makes it: there, seeding the demo
            // templates at start took over the 10 s compile budget and the service exited. Budgets out of chance's reach,
            // as the specs' service fixture sets its render budget; at every other size the service keeps its defaults.
            psi.Environment["Templates__CompileTimeoutMs"] = "120000";
            psi.Environment["Templates__RenderTimeoutMs"] = "60000";
        }
        return psi;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            if (_output.Count < 200) _output.Add(line);
            // The console logger starts an entry with its level: a figure from a run whose service failed statements
            // (a deadlock, a timeout) must say so, not only read slow.
            if (line.StartsWith("fail: ", StringComparison.Ordinal)) { _errors++; _firstError ??= line[6..]; }
            else if (line.StartsWith("warn: ", StringComparison.Ordinal)) _warnings++;
        }
    }

    private int _errors, _warnings;
    private string? _firstError;

    /// <summary>Entries the service logged at error and warning level so far, and the first error's category.</summary>
    public (int Errors, int Warnings, string? FirstError) Logged()
    {
        lock (_output) return (_errors, _warnings, _firstError);
    }

    public string RecentOutput()
    {
        lock (_output) return string.Join('\n', _output.TakeLast(40));
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"service ({Mode}) exited with {_process.ExitCode}:\n{RecentOutput()}");
            try
            {
                using var r = await http.GetAsync("health/ready");
                if (r.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"service ({Mode}) not ready after {timeout}:\n{RecentOutput()}");
    }

    /// <summary>Resident set size in MiB, from /proc/&lt;pid&gt;/status VmRSS.</summary>
    public double RssMiB()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:"));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }

    /// <summary>
    /// Waits until the runtime's tiered-compilation thread (".NET Tiered Com" in /proc/&lt;pid&gt;/task) has used no
    /// CPU for a second, or <paramref name="timeout"/>: the code a warm-up made hot is then optimized, and what
    /// follows measures the running service rather than its start-up JIT. A perf profile of the recorded bulk job
    /// right after its warm-up found that thread using 15 % of a core for the job's first four seconds.
    /// </summary>
    /// <returns>How long it took.</returns>
    public async Task<TimeSpan> WaitJitSettledAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var last = JitCpuTime();
        while (clock.Elapsed < timeout)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = JitCpuTime();
            if (now <= last) break; // idle (or the thread exited, which it does after a few idle seconds)
            last = now;
        }
        return clock.Elapsed;
    }

    private readonly Dictionary<string, TimeSpan> _jitCpuByThread = [];
    private readonly CancellationTokenSource _stopJitWatch = new();
    private Task? _jitWatch;

    /// <summary>
    /// CPU used so far by the tiered-compilation thread. The runtime ends that thread after a few idle seconds and
    /// starts another when there is work, so each thread's last reading is kept: from the first call on, this process's
    /// threads are read every 250 ms in the background (until it is disposed), and no phase has to poll for it.
    /// </summary>
    public TimeSpan JitCpuTime()
    {
        lock (_jitCpuByThread)
        {
            _jitWatch ??= WatchJitAsync(_stopJitWatch.Token);
            ReadJitThreads();
            return _jitCpuByThread.Values.Aggregate(TimeSpan.Zero, (a, b) => a + b);
        }
    }

    private async Task WatchJitAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try { await Task.Delay(250, ct); }
            catch (OperationCanceledException) { return; }
            lock (_jitCpuByThread) ReadJitThreads();
        }
    }

    /// <summary>Keeps each tiered-compilation thread's latest CPU reading (callers hold the lock).</summary>
    private void ReadJitThreads()
    {
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{_process.Id}/task"))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(".NET Tiered") && CpuMeter.Thread(task) is { } used)
                        _jitCpuByThread[task] = used;
                }
                catch (IOException) { } // the thread exited meanwhile
            }
        }
        catch (IOException) { } // the process exited: its threads' last readings stand
    }

    public async ValueTask DisposeAsync()
    {
        await _stopJitWatch.CancelAsync();
        if (_jitWatch is not null) await _jitWatch;
        var stopping = Stopwatch.StartNew();
        if (!_process.HasExited)
        {
            // SIGTERM first: a graceful stop acknowledges in-flight jobs.
            Process.Start("kill", ["-TERM", _process.Id.ToString()])?.WaitForExit();
            var exited = _process.WaitForExitAsync();
            if (await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(15))) != exited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Interlocked.Add(ref _stoppingTicks, stopping.Elapsed.Ticks);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
