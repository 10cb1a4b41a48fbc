using System.Diagnostics;
using System.Text;

namespace NotificationService.Tests.Client;

/// <summary>`dotnet` as a developer runs it, from a spec: the test host's MSBuild variables left out, so a child build is a build of its own.</summary>
public static class DotnetProcess
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static async Task<string> RunAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var (exit, output) = await TryRunAsync(workingDirectory, timeout, args);
        if (exit != 0) throw new Xunit.Sdk.XunitException($"dotnet {string.Join(' ', args)} exited {exit}:\n{output}");
        return output;
    }

    /// <summary>The exit status and output, for a spec that reads what a failing build said (a compiler's errors).</summary>
    public static async Task<(int Exit, string Output)> TryRunAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "DOTNET_HOST_PATH").ToList())
            psi.Environment.Remove(name);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var output = new StringBuilder();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try { await p.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} ran past {timeout.TotalSeconds:0} s");
        }
        output.Append(await stdout).Append(await stderr);
        return (p.ExitCode, output.ToString());
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NotificationService.sln"))) return dir.FullName;
        throw new InvalidOperationException("NotificationService.sln not found above " + AppContext.BaseDirectory);
    }
}
