using System.Diagnostics;
using System.Text.RegularExpressions;
using NotificationService.Tests.Support;
using Xunit.Abstractions;

namespace NotificationService.Tests.Bench;

/// <summary>
/// Every phase of the benchmark harness (bench/NotificationService.Bench) still runs: the harness is started as a process
/// at `--smoke` size (the least that runs every step of every phase) against the service this test run built, and its
/// report must list each phase it knows with at least one figure and no failure. No figure is judged: at these sizes
/// they mean nothing; a phase that breaks (as the providers phase did when the outbound guard refused the loopback
/// fakes) fails here instead of silently reporting nothing.
/// </summary>
[Collection("bench-smoke")]
public partial class BenchSmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_bench_phase_runs_at_smoke_size_and_reports_a_figure()
    {
        var bench = BenchDll();
        Assert.True(File.Exists(bench), $"the bench's build is missing: {bench} (the test project references it, so it builds with the tests)");
        var service = Path.Combine(AppContext.BaseDirectory, "NotificationService.dll");
        var psi = new ProcessStartInfo("dotnet", [bench, "--smoke", "--service-dll", service])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(bench)!,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using (var cts = new CancellationTokenSource(TimeSpan.FromMinutes(40)))   // a bound for a hung run, not a figure
            try { await p.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { p.Kill(entireProcessTree: true); throw; }
        var report = await stdout;
        var log = await stderr;

        // What each phase cost (wall, service starts, CPU of service, PostgreSQL and bench): in the run's output (trx), so
        // the suite's longest lane can be read as work on a host where wall time says little.
        foreach (var line in log.Split('\n').Where(l => l.Contains("phase cost: "))) output.WriteLine(line.Trim());

        var phases = PhaseRow().Matches(report).Select(m => (Key: m.Groups[1].Value, Figures: int.Parse(m.Groups[2].Value), Outcome: m.Groups[3].Value.Trim())).ToList();
        var tail = string.Join('\n', log.Split('\n').TakeLast(40));
        Assert.True(phases.Count > 0, $"no phase table in the report (exit {p.ExitCode}):\n{tail}");
        var broken = phases.Where(x => x.Figures == 0 || x.Outcome != "ok").Select(x => $"{x.Key}: {x.Figures} figures, {x.Outcome}").ToList();
        Assert.True(broken.Count == 0, $"phases that did not report:\n{string.Join('\n', broken)}\n\nlast lines of the bench's log:\n{tail}");
        Assert.Equal(0, p.ExitCode);
    }

    /// <summary>The bench's build beside this test assembly's, in the same configuration (…/bin/Debug/net10.0/).</summary>
    private static string BenchDll()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);   // tests/NotificationService.Tests/bin/<Configuration>/<tfm>/
        var (tfm, configuration) = (here.Name, here.Parent!.Name);
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "NotificationService.sln"))) root = root.Parent;
        Assert.NotNull(root);
        return Path.Combine(root.FullName, "bench", "NotificationService.Bench", "bin", configuration, tfm, "NotificationService.Bench.dll");
    }

    [GeneratedRegex(@"^\| ([a-z-]+) \| (\d+) \| ([^|]+) \|\s*$", RegexOptions.Multiline)]
    private static partial Regex PhaseRow();
}

/// <summary>Its own collection so that it can start first: it is the suite's longest spec (9 minutes alone on a slow host).</summary>
[CollectionDefinition("bench-smoke"), StartsFirst(0)]
public sealed class BenchSmokeCollection;
