using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace NotificationService.Tests.Features.Operations.Metrics;

/// <summary>Debian's `prometheus` package: promtool (the linter) and a real server. CI installs it (.ci/run).</summary>
public static class PrometheusTools
{
    public static string? Promtool => Find("promtool");
    public static string? Server => Find("prometheus");

    private static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    /// <summary>`promtool check metrics` on an exposition: its exit code and everything it printed.</summary>
    public static async Task<(int Exit, string Output)> CheckMetricsAsync(string exposition)
    {
        var psi = new ProcessStartInfo(Promtool!, "check metrics") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        await p.StandardInput.WriteAsync(exposition);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, (await stdout + await stderr).Trim());
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

/// <summary>A Prometheus server on loopback scraping one target every second; stopped and its data removed on dispose.</summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public static async Task<PrometheusServer> StartAsync(string target, string bearerToken)
    {
        var dir = Directory.CreateTempSubdirectory("ns-prometheus-").FullName;
        var port = PrometheusTools.FreePort();
        await File.WriteAllTextAsync(Path.Combine(dir, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: notification-service
                authorization:
                  credentials: {bearerToken}
                static_configs:
                  - targets: ['{target}']
            """);
        var psi = new ProcessStartInfo(PrometheusTools.Server!,
            $"--config.file={dir}/prometheus.yml --storage.tsdb.path={dir}/data --web.listen-address=127.0.0.1:{port}")
        { RedirectStandardOutput = true, RedirectStandardError = true };
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, dir, port);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try { if ((await server._http.GetAsync("/-/ready")).IsSuccessStatusCode) return server; }
            catch (HttpRequestException) { }
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"prometheus did not become ready (exited: {process.HasExited})");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>An instant PromQL query through the HTTP API; null when it returns no sample.</summary>
    public async Task<double?> QueryAsync(string promql)
    {
        var json = JsonNode.Parse(await _http.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql)))!;
        var result = json["data"]!["result"]!.AsArray();
        return result.Count == 0 ? null : double.Parse(result[0]!["value"]![1]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Polls <paramref name="promql"/> until it returns <paramref name="expected"/>; a timeout names the last answer.</summary>
    public async Task WaitForAsync(string promql, double expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        double? last;
        while ((last = await QueryAsync(promql)) != expected)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"`{promql}` returned {last?.ToString() ?? "no sample"}, expected {expected}");
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
        _process.Dispose();
        _http.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

public sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        if (PrometheusTools.Promtool is null) Skip = "Metrics lint skipped: promtool not found. Install: bash scripts/install-test-tools.sh prometheus";
    }
}

public sealed class PrometheusFactAttribute : FactAttribute
{
    public PrometheusFactAttribute()
    {
        if (PrometheusTools.Server is null) Skip = "Prometheus scrape specs skipped: prometheus not found. Install: bash scripts/install-test-tools.sh prometheus";
    }
}
