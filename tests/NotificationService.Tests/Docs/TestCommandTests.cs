using NotificationService.Tests.Architecture;

namespace NotificationService.Tests.Docs;

/// <summary>
/// The README's test command is one command that runs every spec on a fresh machine: it installs what is missing before
/// it runs the suite, and CI runs the very same command (so the specs CI runs are the ones a newcomer runs).
/// </summary>
public class TestCommandTests
{
    private static string Read(params string[] path) => File.ReadAllText(Path.Combine([SourceModel.RepoRoot(), .. path]));

    [Fact]
    public void The_readme_quick_start_tests_with_one_command_that_installs_what_is_missing_and_ci_runs_it_too()
    {
        var quickStart = Read("README.md").Split("## Quick start")[1].Split("```")[1];
        var commands = quickStart.Split('\n').Select(l => l.Split('#')[0].Trim()).Where(l => l is not ("" or "bash")).ToList();
        Assert.Contains("bash scripts/test.sh", commands);
        Assert.DoesNotContain(commands, c => c.StartsWith("dotnet test", StringComparison.Ordinal) || c.Contains("install-test-tools"));

        var script = Read("scripts", "test.sh");
        var install = script.IndexOf("scripts/install-test-tools.sh", StringComparison.Ordinal);
        var test = script.IndexOf("dotnet test NotificationService.sln -c Release \"$@\"", StringComparison.Ordinal);
        Assert.True(install >= 0 && test > install, "scripts/test.sh installs the missing tools, then runs the whole suite with the caller's arguments");

        Assert.Contains("bash scripts/test.sh", Read(".ci", "run"));
    }
}
