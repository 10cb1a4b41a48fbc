using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Operations.Metrics;

[Collection("service")]
public partial class MetricsEndpointTests(ServiceFixture service)
{
    private async Task<string> ScrapeAsync(string? accept = null)
    {
        var http = service.Factory.CreateClient();
        if (accept is not null) http.DefaultRequestHeaders.Accept.ParseAdd(accept);
        var response = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The value of one sample line, exactly as named (labels in the family's order); null when absent.</summary>
    private static double? Sample(string exposition, string series) =>
        exposition.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => (double?)double.Parse(l[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture)).SingleOrDefault();

    [Fact]
    public async Task A_send_is_counted_by_channel_its_provider_call_by_kind_and_outcome_and_requests_by_route_template()
    {
        var tenant = await service.NewTenantAsync();
        var before = await ScrapeAsync();
        var id = await tenant.Http.SendOkAsync(Api.Email());
        await tenant.Http.WaitForStatusAsync(id, "sent");
        var after = await ScrapeAsync();

        Assert.Equal(1, Sample(after, "notifications_accepted_total{channel=\"email\"}") - (Sample(before, "notifications_accepted_total{channel=\"email\"}") ?? 0));
        var sent = "delivery_attempts_total{channel=\"email\",provider_kind=\"sandbox\",outcome=\"sent\"}";
        Assert.Equal(1, Sample(after, sent) - (Sample(before, sent) ?? 0));
        Assert.True(Sample(after, "delivery_attempt_duration_seconds_count{provider_kind=\"sandbox\"}") >= 1);
        // The status polls are one series under the route template: the notification id never becomes a label.
        Assert.True(Sample(after, "http_server_request_duration_seconds_count{route=\"/api/v1/services/notifications/{id:guid}\",method=\"GET\",status_class=\"2xx\"}") >= 1,
            string.Join('\n', after.Split('\n').Where(l => l.StartsWith("http_server_request_duration_seconds_count"))));
        Assert.True(Sample(after, "http_server_request_duration_seconds_count{route=\"/api/v1/services/notifications/send\",method=\"POST\",status_class=\"2xx\"}") >= 1);
        Assert.DoesNotContain(id.ToString(), after);
        Assert.DoesNotContain(tenant.Id.ToString(), after);
        Assert.NotNull(Sample(after, "queue_depth{queue=\"email\",state=\"ready\"}"));
        Assert.NotNull(Sample(after, "queue_oldest_ready_age_seconds{queue=\"email\"}"));
    }

    [Fact]
    public async Task Garbage_collections_and_the_time_paused_for_them_are_exported_from_the_runtime()
    {
        const string gen2 = "dotnet_gc_collections_total{generation=\"gen2\"}";
        var before = await ScrapeAsync();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        var after = await ScrapeAsync();

        Assert.True(Sample(after, gen2) >= (Sample(before, gen2) ?? 0) + 1,
            string.Join('\n', after.Split('\n').Where(l => l.StartsWith("dotnet_gc"))));
        Assert.True(Sample(after, "dotnet_gc_pause_seconds_total") > 0);
        Assert.Contains("# TYPE dotnet_gc_pause_seconds_total counter", after);
    }

    [Fact]
    public async Task Accept_to_sent_latency_is_recorded_by_channel_and_priority_from_accept_to_the_provider_taking_it()
    {
        var tenant = await service.NewTenantAsync("""{"latencyMs": 400}""", "email");
        const string series = "notifications_accept_to_sent_seconds_{0}{{channel=\"email\",priority=\"high\"}}";
        var before = await ScrapeAsync();
        var id = await tenant.Http.SendOkAsync(new { channel = "email", priority = "high", recipient = new { email = "a@example.com" },
            content = new { subject = "s", body = "t" } });
        await service.Ledger.WaitForAsync(id, "sent");
        var after = await ScrapeAsync();

        double Delta(string part) => (Sample(after, string.Format(series, part)) ?? 0) - (Sample(before, string.Format(series, part)) ?? 0);
        Assert.Equal(1, Delta("count"));
        // At least the provider's 400 ms; far less than a clock skew or a misread id timestamp would give.
        Assert.InRange(Delta("sum"), 0.4, 30);
    }

    [Fact]
    public async Task A_circuit_that_opens_shows_as_open_for_its_provider_kind()
    {
        var tenant = await service.NewTenantAsync("""{"transientRate":1,"circuitBreakerThreshold":1,"circuitBreakerOpenSeconds":60}""", "sms");
        var id = await tenant.Http.SendOkAsync(new { channel = "sms", recipient = new { phone = "+14155550100" }, content = new { body = "Hi" } });
        await Eventually.Async(async () => Sample(await ScrapeAsync(), "provider_circuits{provider_kind=\"sandbox\",state=\"open\"}"), open => open >= 1,
            "an open sandbox circuit in /metrics");
        Assert.True(Sample(await ScrapeAsync(), "delivery_attempts_total{channel=\"sms\",provider_kind=\"sandbox\",outcome=\"transient\"}") >= 1);
        await tenant.Http.PostAsync($"/api/v1/services/notifications/{id}/cancel", null); // it would wait for the circuit for the rest of the run
    }

    [Fact]
    public async Task OpenMetrics_is_answered_when_the_scraper_asks_for_it()
    {
        var http = service.Factory.CreateClient();
        http.DefaultRequestHeaders.Accept.ParseAdd("application/openmetrics-text;version=1.0.0");
        var response = await http.GetAsync("/metrics");
        Assert.Equal("application/openmetrics-text", response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE notifications_accepted counter\n", body);
        Assert.EndsWith("# EOF\n", body);

        var plain = await service.Factory.CreateClient().GetAsync("/metrics");
        Assert.Equal("text/plain", plain.Content.Headers.ContentType!.MediaType);
        Assert.Equal("0.0.4", plain.Content.Headers.ContentType.Parameters.Single(p => p.Name == "version").Value);
    }

    [Theory]
    [InlineData("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5", "application/openmetrics-text")]
    [InlineData("text/plain;version=0.0.4;q=1,*/*;q=0.1", "text/plain")]
    [InlineData(null, "text/plain")]
    public async Task OpenMetrics_is_answered_only_when_the_scraper_prefers_it(string? accept, string mediaType)
    {
        var http = service.Factory.CreateClient();
        if (accept is not null) http.DefaultRequestHeaders.TryAddWithoutValidation("Accept", accept);
        var response = await http.GetAsync("/metrics");
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task The_database_pool_shows_this_hosts_connections_in_use_and_its_maximum_and_no_other_pool_of_the_process()
    {
        var dataSource = service.Factory.Services.GetRequiredService<NpgsqlDataSource>();
        var max = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxPoolSize;
        // Another pool in the same process and database: Npgsql reports it on the same meter, under its own name.
        await using var other = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(service.ConnectionString) { ApplicationName = "another-pool", MaxPoolSize = 7 }.ConnectionString);
        var held = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < 3; i++) held.Add(await dataSource.OpenConnectionAsync());
            for (var i = 0; i < 2; i++) held.Add(await other.OpenConnectionAsync());
            var scrape = await ScrapeAsync();

            Assert.Equal(max, Sample(scrape, "db_client_connections_max"));
            var used = Sample(scrape, "db_client_connections{state=\"used\"}");
            var idle = Sample(scrape, "db_client_connections{state=\"idle\"}");
            Assert.NotNull(used);
            Assert.NotNull(idle);
            Assert.InRange(used.Value, 3, max);                // the three held here, and whatever the workers hold now
            Assert.InRange(used.Value + idle.Value, 3, max);
        }
        finally
        {
            foreach (var connection in held) await connection.DisposeAsync();
        }
    }

    [PromtoolFact]
    public async Task Promtool_finds_nothing_to_report_in_a_scrape()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.WaitForStatusAsync(await tenant.Http.SendOkAsync(Api.Email()), "sent"); // every kind of series has samples
        var (exit, output) = await PrometheusTools.CheckMetricsAsync(await ScrapeAsync());
        Assert.True(exit == 0 && output == "", $"promtool exited {exit}: {output}");
    }

    [Fact]
    public async Task Every_family_keeps_the_name_type_help_and_label_names_in_series_tsv_and_each_is_declared_once()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.WaitForStatusAsync(await tenant.Http.SendOkAsync(Api.Email()), "sent"); // most families have samples
        var scrape = await ScrapeAsync();
        var file = Path.Combine(RepositoryRoot(), "tests/NotificationService.Tests/Features/Operations/Metrics/series.tsv");
        var pinned = File.ReadAllLines(file)
            .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')).ToList();
        Assert.Equal(23, pinned.Count);
        foreach (var (name, type, labels, help) in pinned.Select(p => (p[0], p[1], p[2], p[3])))
        {
            Assert.Contains($"# HELP {name} {help}\n", scrape);
            Assert.Equal(1, Regex.Matches(scrape, $"^# TYPE {name} {type}\n", RegexOptions.Multiline).Count);
            // Every sample of the family carries exactly these label names in this order (a histogram's `le` aside).
            var samples = scrape.Split('\n').Where(l => SampleName(l) is { } n && (n == name || type == "histogram"
                && n.StartsWith(name + "_", StringComparison.Ordinal) && n[(name.Length + 1)..] is "bucket" or "sum" or "count"));
            Assert.All(samples, l => Assert.Equal(labels,
                string.Join(',', LabelName().Matches(l).Select(m => m.Groups[1].Value).Where(n => n != "le"))));
        }
        var declared = TypeLine().Matches(scrape).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(declared.Count, declared.Distinct().Count());
    }

    private static string? SampleName(string line) => line.Length == 0 || line[0] == '#' ? null : line[..line.IndexOfAny(['{', ' '])];

    [GeneratedRegex(@"[{,]([a-zA-Z_][a-zA-Z0-9_]*)=""(?:[^""\\]|\\.)*""")]
    private static partial Regex LabelName();

    [Fact]
    public async Task The_chart_dashboard_queries_only_series_that_metrics_exposes()
    {
        var exposed = TypeLine().Matches(await ScrapeAsync()).Select(m => m.Groups[1].Value).ToHashSet();
        var dashboard = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "charts/notification-service/dashboards/notification-service.json")))!;
        var exprs = dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]?.AsArray() ?? []).Select(t => t!["expr"]!.GetValue<string>()).ToList();
        Assert.NotEmpty(exprs);
        var names = SeriesNames(exprs);
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.True(exposed.Contains(n), $"dashboard names '{n}', which /metrics does not expose"));
    }

    [Fact]
    public async Task The_chart_alert_rules_query_only_series_that_metrics_exposes()
    {
        var exposed = TypeLine().Matches(await ScrapeAsync()).Select(m => m.Groups[1].Value).ToHashSet();
        var rules = RuleFile.Parse(await File.ReadAllTextAsync(AlertRulesTests.RulesFile));
        Assert.Equal(8, rules.Count);
        foreach (var rule in rules)
        {
            var names = SeriesNames([rule.Expr]);
            Assert.NotEmpty(names);
            Assert.All(names, n => Assert.True(exposed.Contains(n), $"alert {rule.Alert} names '{n}', which /metrics does not expose"));
        }
    }

    /// <summary>
    /// What remains of a query without its strings, label matchers, ranges and by/without lists are functions,
    /// keywords, numbers and series names: every name that is not PromQL is a family (histogram suffixes dropped).
    /// </summary>
    private static HashSet<string> SeriesNames(IEnumerable<string> exprs) =>
        exprs.Select(e => Regex.Replace(e, @"""[^""]*""|\{[^}]*\}|\[[^\]]*\]|\b(by|without|on|ignoring)\s*\([^)]*\)", " "))
            .SelectMany(e => Regex.Matches(e, @"[A-Za-z_][A-Za-z0-9_]*").Select(m => m.Value))
            .Where(n => !PromQlWords.Contains(n)).Select(n => Regex.Replace(n, "_(bucket|sum|count)$", "")).ToHashSet();

    private static readonly HashSet<string> PromQlWords = ["sum", "rate", "increase", "histogram_quantile", "max", "min", "avg", "topk",
        "clamp_min", "or", "and", "unless", "count", "irate", "vector", "abs", "sort_desc", "label_replace", "e", "delta"];

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NotificationService.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [GeneratedRegex(@"^# TYPE (\S+) ", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

}
