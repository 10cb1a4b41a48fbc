using System.Diagnostics;
using NotificationService.Tests.Features.Metrics;

namespace NotificationService.Tests.Hosting;

/// <summary>
/// The Helm chart as chart-testing would check it: `helm lint --strict` with the defaults and every ci/*-values.yaml,
/// and every object `helm template` renders validated against the Kubernetes schemas (charts/…/ci/lint.sh).
/// </summary>
public class ChartLintTests
{
    [ChartLintFact]
    public async Task The_chart_lints_strict_and_every_rendered_object_matches_its_schema()
    {
        var root = MetricsEndpointTests.RepositoryRoot();
        var psi = new ProcessStartInfo("bash", [Path.Combine(root, "charts/notification-service/ci/lint.sh")])
            { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["HELM_LINT_TOOLS"] = ChartLintFactAttribute.Tools;
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        var all = await output + await errors;
        Assert.True(p.ExitCode == 0, $"chart lint exited {p.ExitCode}:\n{all}");
        Assert.Contains("1 chart(s) linted, 0 chart(s) failed", all);
        Assert.Matches(@"\d+ objects, 0 invalid", all);
        Assert.Contains("ServiceMonitor/", all); // the full values turn it on: it must render and validate too
    }
}

/// <summary>Runs where helm and the validators are in .tools/chart-lint (`.ci/run` puts them there) or HELM_LINT_TOOLS.</summary>
public sealed class ChartLintFactAttribute : FactAttribute
{
    public static string Tools => Environment.GetEnvironmentVariable("HELM_LINT_TOOLS") is { Length: > 0 } dir
        ? dir : Path.Combine(MetricsEndpointTests.RepositoryRoot(), ".tools", "chart-lint");

    public ChartLintFactAttribute()
    {
        if (!File.Exists(Path.Combine(Tools, "helm", "helm")) || !Directory.Exists(Path.Combine(Tools, "validate", "node_modules", "kubernetes-models")))
            Skip = "Chart lint skipped: helm or the schema validators not found in .tools/chart-lint. Install: bash scripts/install-test-tools.sh helm";
    }
}
