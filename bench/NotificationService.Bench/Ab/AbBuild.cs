using System.Diagnostics;
using NotificationService.Bench.Service;

namespace NotificationService.Bench.Ab;

/// <summary>One build of the service an `--ab` run alternates: "head" (this working tree) or "base" (the commit asked for).</summary>
public sealed record BenchSide(string Name, string Dll, string Label);

/// <summary>
/// `--ab REF`: the service as it was at REF, built beside the working tree's. The commit's tree is exported with
/// `git archive` into a folder of its own under the temp directory (no worktree is registered in the repository, and
/// the checkout in use is not touched), then built in Release like the head side. A folder already built for the same
/// commit is reused. Only the service comes from REF: the bench, its load and its report are this tree's, so both sides
/// are measured by the same instrument.
/// </summary>
public static class AbBuild
{
    public static async Task<(string Dll, string Label)> BuildAsync(string repoRoot, string gitRef)
    {
        var sha = (await GitAsync(repoRoot, "rev-parse", "--verify", $"{gitRef}^{{commit}}")).Trim();
        var label = $"{sha[..7]} ({gitRef}): {(await GitAsync(repoRoot, "log", "-1", "--format=%s", sha)).Trim()}";
        var root = Path.Combine(Path.GetTempPath(), "ns-bench-ab", sha);
        var dll = Path.Combine(root, "src", "NotificationService", "bin", "Release", "net10.0", "NotificationService.dll");
        if (!File.Exists(Path.Combine(root, "NotificationService.sln")))
        {
            Progress.Show($"--ab: exporting {sha[..7]} into {root}");
            var partial = root + ".partial";
            if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
            Directory.CreateDirectory(partial);
            var tar = Path.Combine(partial, "tree.tar");
            await GitAsync(repoRoot, "archive", "--format=tar", "-o", tar, sha);
            await RunAsync("tar", ["-xf", tar, "-C", partial], partial);
            File.Delete(tar);
            Directory.Move(partial, root);
        }
        Progress.Show($"--ab: building the service at {sha[..7]} (Release)");
        var built = await ServiceProcess.BuildAsync(root);
        if (!string.Equals(Path.GetFullPath(built), Path.GetFullPath(dll), StringComparison.Ordinal)) dll = built;
        return (dll, label);
    }

    /// <summary>"the working tree at 1a2b3c4 (+ uncommitted changes): subject", for the head side's label.</summary>
    public static string DescribeWorkingTree(string repoRoot)
    {
        string Git(params string[] args)
        {
            var psi = new ProcessStartInfo("git", ["-C", repoRoot, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            var text = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? text.Trim() : "";
        }
        var dirty = Git("status", "--porcelain", "--untracked-files=no").Length > 0 ? " + uncommitted changes" : "";
        return $"the working tree at {Git("rev-parse", "--short=7", "HEAD")}{dirty}: {Git("log", "-1", "--format=%s")}";
    }

    private static Task<string> GitAsync(string repoRoot, params string[] args) => RunAsync("git", ["-C", repoRoot, .. args], repoRoot);

    private static async Task<string> RunAsync(string file, string[] args, string workingDirectory)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {await stderr}");
        return await stdout;
    }
}
