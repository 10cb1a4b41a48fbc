using System.Collections.ObjectModel;
using System.Text.RegularExpressions;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Client;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;
using NotificationService.Tests.SkipSummary;

namespace NotificationService.Tests.Hosting;

/// <summary>
/// `dotnet test` as written says why specs skipped (issue 29): every skip reason in the suite names what is missing and
/// the one command that installs it (or that nothing installs it), and the skip-summary logger ends a project's run with
/// those reasons grouped, writing them where the solution's run reads them for its closing summary.
/// </summary>
public class SkipSummaryTests : IDisposable
{
    private readonly string _results = Path.Combine(Path.GetTempPath(), "ns-skip-summary-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void Every_skip_reason_in_the_suite_names_the_command_that_installs_what_it_lacks()
    {
        var tests = Path.Combine(Features.Operations.Metrics.MetricsEndpointTests.RepositoryRoot(), "tests");
        var reasons = Directory.GetFiles(tests, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(f => File.ReadAllLines(f).Where(l => Regex.IsMatch(l, @"(Skip = |return )\$?"".*skipped")).Select(l => (File: Path.GetFileName(f), Reason: l.Trim())))
            .ToList();
        Assert.True(reasons.Count >= 8, $"found {reasons.Count} skip reasons: the scan is not blind");
        var vague = reasons.Where(r => !r.Reason.Contains("Install: bash scripts/install-test-tools.sh ") && !r.Reason.Contains("nothing installs")
                                       && !r.Reason.Contains("could not be started") && !r.Reason.Contains("did not answer")).ToList();
        Assert.True(vague.Count == 0, "skip reasons without the command that installs what is missing:\n" + string.Join("\n", vague));
    }

    [Fact]
    public void The_logger_ends_a_run_with_the_skipped_specs_grouped_by_reason_and_writes_them_for_the_solutions_summary()
    {
        var events = new Events();
        var logger = new SkipSummaryLogger();
        logger.Initialize(events, new Dictionary<string, string?> { [DefaultLoggerParameterNames.TestRunDirectory] = _results });
        const string chromium = "Browser specs skipped: /usr/bin/chromium-headless-shell not found. Install: bash scripts/install-test-tools.sh chromium";
        events.Result(Skipped("A", chromium), Skipped("B", chromium), Skipped("C", "Metrics lint skipped: promtool not found. Install: bash scripts/install-test-tools.sh prometheus"),
            new TestResult(Case("D")) { Outcome = TestOutcome.Passed });

        var console = new StringWriter();
        var original = System.Console.Out;
        System.Console.SetOut(console);
        try { events.Complete(); }
        finally { System.Console.SetOut(original); }

        var printed = console.ToString();
        Assert.Contains("Skipped in Specs: 3 spec(s) in 2 group(s):", printed);
        Assert.Contains($"   2 × {chromium}", printed);
        var written = File.ReadAllLines(Path.Combine(_results, "skipped-Specs.txt"));
        Assert.Equal(2, written.Length);
        Assert.StartsWith($"   2 × {chromium}", written[0]);
    }

    private static TestCase Case(string name) => new($"Specs.{name}", new Uri("executor://xunit"), "/tmp/Specs.dll");

    private static TestResult Skipped(string name, string reason) => new(Case(name)) { Outcome = TestOutcome.Skipped, ErrorMessage = reason };

    /// <summary>What VSTest raises to a logger, raised by the spec.</summary>
    private sealed class Events : TestLoggerEvents
    {
        public override event EventHandler<TestRunMessageEventArgs>? TestRunMessage { add { } remove { } }
        public override event EventHandler<TestRunStartEventArgs>? TestRunStart { add { } remove { } }
        public override event EventHandler<TestResultEventArgs>? TestResult;
        public override event EventHandler<TestRunCompleteEventArgs>? TestRunComplete;
        public override event EventHandler<DiscoveryStartEventArgs>? DiscoveryStart { add { } remove { } }
        public override event EventHandler<TestRunMessageEventArgs>? DiscoveryMessage { add { } remove { } }
        public override event EventHandler<DiscoveredTestsEventArgs>? DiscoveredTests { add { } remove { } }
        public override event EventHandler<DiscoveryCompleteEventArgs>? DiscoveryComplete { add { } remove { } }

        public void Result(params TestResult[] results) { foreach (var r in results) TestResult?.Invoke(this, new TestResultEventArgs(r)); }

        public void Complete() => TestRunComplete?.Invoke(this, new TestRunCompleteEventArgs(null, false, false, null, new Collection<AttachmentSet>(), TimeSpan.Zero));
    }

    public void Dispose()
    {
        try { Directory.Delete(_results, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
