using System.Collections.Concurrent;
using System.Diagnostics;

namespace NotificationService.Tests.Hosting;

/// <summary>The service binary run as a process (`serve` or a command), its stdout and stderr kept line by line.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    public ConcurrentQueue<string> Stdout { get; } = new();
    public ConcurrentQueue<string> Stderr { get; } = new();
    public string BaseUrl { get; }
    public bool HasExited => _process.HasExited;

    private ServiceProcess(Process process, string baseUrl) { _process = process; BaseUrl = baseUrl; }

    public static ServiceProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args) => StartOn(null, environment, args);

    /// <summary>On a given port (a restarted service keeps its address, as behind a load balancer), or a free one.</summary>
    public static ServiceProcess StartOn(int? fixedPort, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        StartOn(fixedPort, null, environment, args);

    /// <summary>From a given working directory (the binary must not care which).</summary>
    public static ServiceProcess StartIn(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        StartOn(null, workingDirectory, environment, args);

    private static ServiceProcess StartOn(int? fixedPort, string? workingDirectory, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        var port = fixedPort ?? NotificationService.Tests.Features.Operations.Metrics.PrometheusTools.FreePort();
        var psi = new ProcessStartInfo("dotnet", [CliTests.ServiceDll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        psi.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        psi.Environment["Secrets__Keys__test"] = Convert.ToBase64String(new byte[32]);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        var process = Process.Start(psi)!;
        var self = new ServiceProcess(process, $"http://127.0.0.1:{port}");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) self.Stdout.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) self.Stderr.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return self;
    }

    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try { if ((await http.GetAsync(BaseUrl + "/health/ready")).IsSuccessStatusCode) return; }
            catch (HttpRequestException) { }
            if (_process.HasExited || DateTime.UtcNow > deadline)
                throw new TimeoutException($"service not ready (exited: {_process.HasExited}):\n{string.Join('\n', Stdout)}\n{string.Join('\n', Stderr)}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGTERM, as a container runtime stops it, then waits for the exit.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString()])!) await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    /// <summary>Waits for a command to finish by itself.</summary>
    public async Task<int> WaitExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_process.HasExited) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
        _process.Dispose();
    }
}
