using System.Diagnostics;
using NotificationService.Tests.Features.Operations.Metrics;

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
        Assert.Contains("PrometheusRule/", all);
    }
}

/// <summary>
/// What the chart sets for the service behind its ingress: forwarded headers believed from the pod networks by default
/// (the ConfigMap's ForwardedHeaders__* read by the app as it reads configuration), from nobody when switched off.
/// </summary>
public class ChartForwardedHeadersTests
{
    private static async Task<Dictionary<string, string>> ConfigMapAsync(params string[] args)
    {
        var root = MetricsEndpointTests.RepositoryRoot();
        var chart = Path.Combine(root, "charts/notification-service");
        var psi = new ProcessStartInfo(Path.Combine(ChartLintFactAttribute.Tools, "helm", "helm"),
            ["template", "check", chart, "-f", Path.Combine(chart, "ci/default-values.yaml"), "-s", "templates/configmap.yaml", .. args])
            { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        var errors = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"helm template exited {p.ExitCode}: {errors}");
        // `data:` entries are `  KEY: value` lines (values quoted when YAML needs it).
        return output.Split('\n').SkipWhile(l => l.Trim() != "data:").Skip(1).Where(l => l.StartsWith("  ") && l.Contains(": "))
            .Select(l => l.Trim().Split(": ", 2)).ToDictionary(kv => kv[0], kv => kv[1].Trim('"'));
    }

    private static Dictionary<string, string> ForwardedHeaders(Dictionary<string, string> data) =>
        data.Where(e => e.Key.StartsWith("ForwardedHeaders__", StringComparison.Ordinal)).ToDictionary(e => e.Key.Replace("__", ":"), e => e.Value);

    [ChartLintFact]
    public async Task By_default_the_chart_believes_forwarded_headers_from_the_pod_networks_only_and_the_app_reads_them()
    {
        var settings = ForwardedHeaders(await ConfigMapAsync());
        Assert.Equal("10.0.0.0/8", settings["ForwardedHeaders:KnownNetworks:0"]);
        var proxies = NotificationService.Tests.Infrastructure.ForwardedHeadersSettingsTests.Configure([.. settings.Select(s => (s.Key, s.Value))]);
        Assert.NotNull(proxies);
        Assert.Equal(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"], proxies.Options.KnownIPNetworks.Select(n => n.ToString()));
        Assert.Empty(proxies.Options.KnownProxies);
        Assert.Equal(1, proxies.Options.ForwardLimit);

        Assert.Empty(ForwardedHeaders(await ConfigMapAsync("--set", "config.forwardedHeaders.enabled=false")));
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
