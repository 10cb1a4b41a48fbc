using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using NotificationService.Tests.Client;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Docs;

/// <summary>
/// docs/notifications-as-code.md as a reader follows it: from a copy of the tool's sources, its install block packs the
/// tool and installs it with `dotnet tool install --global` (into a tool home of the spec's own), then every shell block
/// of the page runs in order, in one bash, against the service on a real port, with `$KEY` a staging tenant's admin key
/// and `$PRODUCTION_KEY` another tenant's; then the `run:` lines of the page's CI recipe that call the tool. The page
/// ends with the staging edit published and promoted: the spec checks both tenants.
/// </summary>
[Collection("client-service")]
public partial class NotificationsAsCodePageTests(ClientServiceFixture service)
{
    private const string Page = "docs/notifications-as-code.md";

    [Fact]
    public async Task The_pages_commands_install_the_packed_tool_pull_push_and_promote_as_written()
    {
        var (staging, production) = (await service.NewRealTenantAsync("email"), await service.NewRealTenantAsync("email"));
        await TemplateApi.ExpectAsync(await staging.Http.PutJsonAsync($"{TemplateApi.Root}/layouts/frame", new { source = "<main>{{{body}}}</main>" }), 201);
        await staging.Http.CreateTemplateAsync(new
        {
            key = "welcome", channel = "email", locale = "en", layout = "frame",   // as the demo tenant's seed has it
            parts = new { subject = "Welcome to {{appName}}, {{user.firstName}}!", html = "<p>Hello {{user.firstName}}</p>" },
        });
        var blocks = MarkdownDocs.Blocks(Page).Where(b => b.NotRunMark?.Contains(nameof(NotificationsAsCodePageTests)) == true).ToList();
        var shell = blocks.Where(b => MarkdownDocs.ShellLanguages.Contains(b.Language)).ToList();
        var ciRuns = blocks.Where(b => b.Language == "yaml").SelectMany(b => RunLine().Matches(b.Code).Select(m => m.Groups[1].Value.Trim()))
            .Where(l => l.StartsWith("notifications ", StringComparison.Ordinal)).ToList();
        Assert.True(shell.Count >= 5 && ciRuns.Count >= 3, $"the page's runnable blocks were not found: {shell.Count} shell, {ciRuns.Count} CI lines");

        var workspace = Directory.CreateTempSubdirectory("ns-cli-page-").FullName;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                       ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var installed = Path.Combine(packages, "notificationservice.cli");   // the page's version is fixed: never reuse an earlier run's
        try
        {
            if (Directory.Exists(installed)) Directory.Delete(installed, recursive: true);
            foreach (var project in new[] { "NotificationService.Cli", "NotificationService.Templates" }) ClientPackageFeed.CopySources(project, Path.Combine(workspace, "src"));
            File.Copy(Path.Combine(DotnetProcess.RepoRoot, "Directory.Build.props"), Path.Combine(workspace, "Directory.Build.props"));
            var script = new StringBuilder("set -euo pipefail\n");
            foreach (var b in shell)
                script.Append($"echo '>>> example at {b.File}:{b.Line}' >&2\n").Append(b.Code.Replace("http://localhost:5000", service.BaseAddress.ToString().TrimEnd('/'))).Append('\n');
            foreach (var line in ciRuns) script.Append($"echo '>>> CI recipe: {line}' >&2\n").Append(line).Append('\n');
            var (exit, output) = await BashAsync(script.ToString(), workspace, new()
            {
                ["KEY"] = staging.ApiKey, ["PRODUCTION_KEY"] = production.ApiKey, ["NUGET_PACKAGES"] = packages,
                ["DOTNET_CLI_HOME"] = Path.Combine(workspace, "tool-home"), ["PATH"] = $"{Path.Combine(workspace, "tool-home", ".dotnet", "tools")}:{Environment.GetEnvironmentVariable("PATH")}",
            });
            Assert.True(exit == 0, $"an example of {Page} failed (exit {exit}); the last '>>>' line names it:\n{output}");
            Assert.Contains("changes applied", output);
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
            if (Directory.Exists(installed)) Directory.Delete(installed, recursive: true);
        }

        foreach (var tenant in new[] { staging, production })
        {
            var welcome = (await tenant.Http.GetJsonAsync($"{TemplateApi.Root}?key=welcome"))["items"]!.AsArray().Single()!;
            Assert.Equal("Your {{appName}} account is ready, {{user.firstName}}!", (string?)welcome["parts"]!["subject"]);
            Assert.Equal((int)welcome["latestVersion"]!, (int?)welcome["publishedVersion"]);
        }
    }

    [GeneratedRegex(@"^\s*(?:-\s+)?run:\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex RunLine();

    private static async Task<(int Exit, string Output)> BashAsync(string script, string directory, Dictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var name in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "DOTNET_HOST_PATH").ToList())
            psi.Environment.Remove(name);   // the test host's build settings would steer the page's own `dotnet pack`
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var bash = Process.Start(psi)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        await bash.WaitForExitAsync(cts.Token);
        return (bash.ExitCode, await stdout + await stderr);
    }
}
