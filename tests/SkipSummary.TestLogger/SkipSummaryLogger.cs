using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Client;

namespace NotificationService.Tests.SkipSummary;

/// <summary>
/// Ends a test project's run with its skipped specs grouped by reason, each reason naming what is missing and the one
/// command that installs it ("Install: bash scripts/install-test-tools.sh chromium"). The console logger prints only
/// the skipped names at its default verbosity; this prints why. It also writes the groups to skipped-&lt;project&gt;.txt in
/// the run's results folder, from which the solution's run ends with one summary over every project
/// (after.NotificationService.sln.targets).
/// </summary>
[FriendlyName(FriendlyName)]
[ExtensionUri("logger://notificationservice/skip-summary")]
public sealed class SkipSummaryLogger : ITestLoggerWithParameters
{
    public const string FriendlyName = "skip-summary";
    private readonly List<(string Test, string Reason)> _skipped = [];
    private readonly HashSet<string> _sources = [];
    private string _resultsDirectory = "";

    public void Initialize(TestLoggerEvents events, string testRunDirectory) =>
        Initialize(events, new Dictionary<string, string?> { [DefaultLoggerParameterNames.TestRunDirectory] = testRunDirectory });

    public void Initialize(TestLoggerEvents events, Dictionary<string, string?> parameters)
    {
        _resultsDirectory = parameters.GetValueOrDefault(DefaultLoggerParameterNames.TestRunDirectory) ?? "";
        events.TestResult += (_, e) =>
        {
            lock (_skipped)
            {
                _sources.Add(Path.GetFileNameWithoutExtension(e.Result.TestCase.Source));
                if (e.Result.Outcome == TestOutcome.Skipped)
                    _skipped.Add((e.Result.TestCase.FullyQualifiedName, Reason(e.Result)));
            }
        };
        events.TestRunComplete += (_, _) => Report();
    }

    private static string Reason(TestResult result) =>
        result.ErrorMessage is { Length: > 0 } m ? m.Trim()
        : result.Messages.Select(x => x.Text?.Trim()).FirstOrDefault(t => t is { Length: > 0 }) ?? "no reason given";

    private void Report()
    {
        List<(string Reason, int Count)> groups;
        string project;
        lock (_skipped)
        {
            if (_skipped.Count == 0) return;
            groups = _skipped.GroupBy(s => s.Reason).Select(g => (g.Key, g.Count())).OrderByDescending(g => g.Item2).ToList();
            project = string.Join("+", _sources.Order());
        }
        Console.WriteLine();
        Console.WriteLine($"Skipped in {project}: {groups.Sum(g => g.Count)} spec(s) in {groups.Count} group(s):");
        foreach (var (reason, count) in groups) Console.WriteLine($"  {count,4} × {reason}");
        try
        {
            if (_resultsDirectory.Length == 0) return;
            Directory.CreateDirectory(_resultsDirectory);
            File.WriteAllLines(Path.Combine(_resultsDirectory, $"skipped-{project}.txt"), groups.Select(g => $"{g.Count,4} × {g.Reason}  [{project}]"));
        }
        catch (IOException) { /* the summary above is what matters */ }
        catch (UnauthorizedAccessException) { }
    }
}
