using System.Diagnostics;
using System.Text.RegularExpressions;

namespace NotificationService.Tests.Features.Operations.Metrics;

/// <summary>
/// The chart's alert rules (charts/…/alerts/notification-service.rules.yaml, the file the PrometheusRule ships) under
/// `promtool test rules`: each alert's test file (Alerts/*.test.yaml) feeds series to that file and says at which
/// minute the alert is still quiet (pending or not at all) and at which it fires, with what labels and text.
/// </summary>
public partial class AlertRulesTests
{
    public static string RulesFile => Path.Combine(MetricsEndpointTests.RepositoryRoot(), "charts/notification-service/alerts/notification-service.rules.yaml");
    private static string TestsFolder => Path.Combine(MetricsEndpointTests.RepositoryRoot(), "tests/NotificationService.Tests/Features/Operations/Metrics/Alerts");

    [PromtoolFact]
    public Task Api_latency_fires_after_five_minutes_of_p99_over_one_second_not_counting_the_inbox_stream_or_held_refusals() => PassesAsync("api-latency");

    [PromtoolFact]
    public Task Api_error_rate_fires_when_over_one_percent_of_requests_answer_5xx_not_counting_readiness_probes() => PassesAsync("api-errors");

    [PromtoolFact]
    public Task Queue_backlog_fires_after_ten_minutes_over_1000_ready_units_taking_the_figure_every_pod_reports_once() => PassesAsync("queue-backlog");

    [PromtoolFact]
    public Task Queue_age_fires_when_a_queues_oldest_due_job_has_waited_over_five_minutes_for_five_minutes() => PassesAsync("queue-age");

    [PromtoolFact]
    public Task Dead_jobs_fire_while_a_queue_gains_dead_jobs_and_resolve_when_it_stops_while_a_steady_count_stays_quiet() => PassesAsync("dead-jobs");

    [PromtoolFact]
    public Task Database_pool_fires_when_one_pod_uses_90_percent_of_its_own_pool_for_five_minutes() => PassesAsync("database-pool");

    [PromtoolFact]
    public Task Webhook_failures_fire_when_over_20_percent_of_attempts_fail_for_15_minutes_not_counting_skipped_ones() => PassesAsync("webhook-failures");

    [PromtoolFact]
    public Task Provider_circuit_fires_when_a_kind_has_a_circuit_open_or_probing_for_five_minutes() => PassesAsync("provider-circuit");

    [PromtoolFact]
    public async Task Every_alert_in_the_rules_file_has_a_promtool_test_that_sees_it_fire_and_promtool_checks_the_file_clean()
    {
        var alerts = RuleFile.Parse(await File.ReadAllTextAsync(RulesFile)).Select(r => r.Alert).ToList();
        Assert.Equal(8, alerts.Count);
        // An alert is covered when some test expects it to fire: an `alertname` entry whose exp_alerts is not `[]`.
        var fired = Directory.GetFiles(TestsFolder, "*.test.yaml").SelectMany(f => FiringExpectation().Matches(File.ReadAllText(f)))
            .Select(m => m.Groups[1].Value).ToHashSet();
        Assert.All(alerts, a => Assert.True(fired.Contains(a), $"no promtool test expects {a} to fire"));

        var (exit, output) = await PromtoolAsync("check", "rules", RulesFile);
        Assert.True(exit == 0, $"promtool check rules exited {exit}: {output}");
        Assert.Contains("SUCCESS: 8 rules found", output);
    }

    private static async Task PassesAsync(string test)
    {
        var file = Path.Combine(TestsFolder, test + ".test.yaml");
        var (exit, output) = await PromtoolAsync("test", "rules", file);
        Assert.True(exit == 0, $"promtool test rules {test}.test.yaml exited {exit}:\n{output}");
        Assert.Contains("SUCCESS", output);
    }

    private static async Task<(int Exit, string Output)> PromtoolAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(PrometheusTools.Promtool!, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, (await stdout + await stderr).Trim());
    }

    [GeneratedRegex(@"alertname:\s*(\S+)\s*\n\s*exp_alerts:\s*\n")]
    private static partial Regex FiringExpectation();
}

/// <summary>The alerts of a Prometheus rule file as this repository writes them: `- alert:` then `expr:` on one line or as a folded block.</summary>
public static class RuleFile
{
    public sealed record Rule(string Alert, string Expr);

    public static IReadOnlyList<Rule> Parse(string yaml)
    {
        var lines = yaml.Split('\n');
        var rules = new List<Rule>();
        string? alert = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith("- alert:", StringComparison.Ordinal)) alert = trimmed["- alert:".Length..].Trim();
            if (!trimmed.StartsWith("expr:", StringComparison.Ordinal) || alert is null) continue;
            var value = trimmed["expr:".Length..].Trim();
            if (value is ">-" or ">" or "|" or "|-")
            {
                // A block scalar: every following line indented deeper than `expr:` belongs to it.
                var indent = line.Length - trimmed.Length;
                var block = new List<string>();
                while (i + 1 < lines.Length && (lines[i + 1].Trim().Length == 0 || lines[i + 1].Length - lines[i + 1].TrimStart().Length > indent))
                    block.Add(lines[++i].Trim());
                value = string.Join(" ", block.Where(b => b.Length > 0));
            }
            rules.Add(new Rule(alert, value));
            alert = null;
        }
        return rules;
    }
}

/// <summary>The PrometheusRule the chart renders: the rules file as it is, its job selectors naming the release's scrape job.</summary>
public class ChartAlertRulesTests
{
    private static async Task<string> RenderAsync(params string[] set)
    {
        var chart = Path.Combine(MetricsEndpointTests.RepositoryRoot(), "charts/notification-service");
        var psi = new ProcessStartInfo(Path.Combine(Hosting.ChartLintFactAttribute.Tools, "helm", "helm"),
            ["template", "check", chart, "-f", Path.Combine(chart, "ci/default-values.yaml"), "-s", "templates/prometheusrule.yaml",
             "--set", "prometheusRule.enabled=true", .. set.SelectMany(s => new[] { "--set", s })])
            { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"helm template exited {p.ExitCode}: {await errors}");
        return await output;
    }

    /// <summary>The `spec:` of the rendered object, un-indented: what Prometheus loads as a rule file.</summary>
    private static string Spec(string rendered) => string.Join("\n", rendered.Split('\n').SkipWhile(l => l != "spec:").Skip(1)
        .Select(l => l.StartsWith("  ", StringComparison.Ordinal) ? l[2..] : l.TrimEnd())).Trim();

    [Hosting.ChartLintFact]
    public async Task The_PrometheusRule_carries_the_tested_rules_file_with_its_job_selectors_on_the_releases_ServiceMonitor_job()
    {
        var rules = (await File.ReadAllTextAsync(AlertRulesTests.RulesFile)).Trim();
        var selectors = Regex.Matches(rules, @"job=""notification-service""").Count;
        Assert.True(selectors >= 8, $"{selectors} job selectors in the rules file");

        var spec = Spec(await RenderAsync());
        // prometheus-operator names the ServiceMonitor's job after the Service it selects: <fullname>-metrics.
        Assert.Equal(selectors, Regex.Matches(spec, @"job=""check-notification-service-metrics""").Count);
        Assert.Equal(rules, spec.Replace(@"job=""check-notification-service-metrics""", @"job=""notification-service"""));
        Assert.Equal(RuleFile.Parse(rules).Select(r => r.Alert), RuleFile.Parse(spec).Select(r => r.Alert));

        var own = Spec(await RenderAsync("prometheusRule.job=notifications-prod"));
        Assert.Equal(selectors, Regex.Matches(own, @"job=""notifications-prod""").Count);
    }
}
