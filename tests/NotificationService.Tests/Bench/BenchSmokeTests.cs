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
public abstract partial class BenchSmokeTests(ITestOutputHelper output)
{
    /// <summary>
    /// The phases in three lanes that run side by side, each its own bench process: as one run the smoke was the suite's
    /// critical path (12 minutes under the suite's load, alone at the end). Balanced by the phases' wall time in the suite.
    /// </summary>
    public static readonly string[][] Lanes =
    [
        ["console", "recipients", "templated-accept", "hangfire", "floor"],
        ["accept", "tenant-limits", "workflows", "retention", "inbox"],
        ["by-user", "topics", "digest", "sse", "render-isolation", "preferences", "tenant-delete", "webhooks", "providers", "bulk",
         "dispatch", "webhook-insert", "client", "batches"],
    ];

    protected async Task RunLaneAsync(int lane)
    {
        var bench = BenchDll();
        Assert.True(File.Exists(bench), $"the bench's build is missing: {bench} (the test project references it, so it builds with the tests)");
        var service = Path.Combine(AppContext.BaseDirectory, "NotificationService.dll");
        var psi = new ProcessStartInfo("dotnet", [bench, "--smoke", "--only", string.Join(',', Lanes[lane]), "--service-dll", service])
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
        var broken = phases.Where(x => Lanes[lane].Contains(x.Key) && (x.Figures == 0 || x.Outcome != "ok")).Select(x => $"{x.Key}: {x.Figures} figures, {x.Outcome}").ToList();
        Assert.Equal(Lanes[lane].Order(), phases.Where(x => x.Outcome.Trim() != "not run").Select(x => x.Key).Order());
        Assert.True(broken.Count == 0, $"phases that did not report:\n{string.Join('\n', broken)}\n\nlast lines of the bench's log:\n{tail}");
        Assert.Equal(0, p.ExitCode);
    }

    /// <summary>The phases the bench's `--help` lists for `--only`.</summary>
    internal static List<string> BenchPhases()
    {
        using var p = Process.Start(new ProcessStartInfo("dotnet", [BenchDll(), "--help"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var usage = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        var listed = OnlyUsage().Match(usage);
        Assert.True(listed.Success, $"no phase list in the bench's usage:\n{usage}");
        return [.. listed.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
    }

    [GeneratedRegex(@"--only\s+the ceilings plus these phases: ([^\n]+)")]
    private static partial Regex OnlyUsage();

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

public class BenchSmokeLaneTests
{
    [Fact]
    public void The_lanes_hold_every_phase_the_bench_knows_once()
    {
        // The bench lists its phases in its usage text (`--help`); the lanes must hold each of them exactly once.
        var known = BenchSmokeTests.BenchPhases();
        var laned = BenchSmokeTests.Lanes.SelectMany(l => l).ToList();
        Assert.Empty(laned.GroupBy(p => p).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Equal(known.Order(), laned.Order());
    }
}

[Collection("bench-smoke-1")]
public sealed class BenchSmokeLane1Tests(ITestOutputHelper output) : BenchSmokeTests(output)
{
    [Fact]
    public Task The_console_recipients_templated_accept_hangfire_and_floor_phases_run_at_smoke_size_and_report_a_figure() => RunLaneAsync(0);
}

[Collection("bench-smoke-2")]
public sealed class BenchSmokeLane2Tests(ITestOutputHelper output) : BenchSmokeTests(output)
{
    [Fact]
    public Task The_accept_limits_workflows_retention_and_inbox_phases_run_at_smoke_size_and_report_a_figure() => RunLaneAsync(1);
}

[Collection("bench-smoke-3")]
public sealed class BenchSmokeLane3Tests(ITestOutputHelper output) : BenchSmokeTests(output)
{
    [Fact]
    public Task The_other_phases_run_at_smoke_size_and_report_a_figure() => RunLaneAsync(2);
}

/// <summary>Their own collections so that they can start first: together they are the suite's longest work.</summary>
[CollectionDefinition("bench-smoke-1"), StartsFirst(0)]
public sealed class BenchSmokeCollection1;

[CollectionDefinition("bench-smoke-2"), StartsFirst(0)]
public sealed class BenchSmokeCollection2;

[CollectionDefinition("bench-smoke-3"), StartsFirst(0)]
public sealed class BenchSmokeCollection3;
