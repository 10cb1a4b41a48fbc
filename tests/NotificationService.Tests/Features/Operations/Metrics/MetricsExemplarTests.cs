using System.Net.Http.Json;
using System.Text.RegularExpressions;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Operations.Metrics;

/// <summary>
/// Under OpenMetrics the latency histograms' buckets carry the trace of an observation that fell in them, so a slow
/// bucket on a dashboard leads to a trace (or to the log lines that carry its id); the text format carries none.
/// </summary>
[Collection("service")]
public partial class MetricsExemplarTests(ServiceFixture service)
{
    private const string OpenMetrics = "application/openmetrics-text;version=1.0.0";

    private static string NewTraceId() => Guid.NewGuid().ToString("N");

    private static string TraceParent(string traceId) => $"00-{traceId}-{Guid.NewGuid().ToString("N")[..16]}-01";

    private async Task<string> ScrapeAsync(string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        return await (await service.Factory.CreateClient().SendAsync(request)).Content.ReadAsStringAsync();
    }

    /// <summary>The bucket lines of one series (exactly these labels before `le`) whose exemplar names the trace.</summary>
    private static List<string> BucketsWithTrace(string exposition, string series, string traceId) =>
        [.. exposition.Split('\n').Where(l => l.StartsWith(series[..^1] + ",le=\"", StringComparison.Ordinal)
            && l.Contains($" # {{trace_id=\"{traceId}\",span_id=\"", StringComparison.Ordinal))];

    [Fact]
    public async Task A_requests_latency_bucket_names_the_trace_it_came_in_with_under_OpenMetrics_only()
    {
        var traceId = NewTraceId();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Add("traceparent", TraceParent(traceId));
        Assert.True((await service.Factory.CreateClient().SendAsync(request)).IsSuccessStatusCode);

        const string series = "http_server_request_duration_seconds_bucket{route=\"/health/live\",method=\"GET\",status_class=\"2xx\"}";
        var bucket = Assert.Single(BucketsWithTrace(await ScrapeAsync(OpenMetrics), series, traceId));
        // `# {trace_id,span_id} value timestamp`: the observed duration, within the bucket it annotates.
        var exemplar = Exemplar().Match(bucket);
        Assert.True(exemplar.Success, bucket);
        Assert.InRange(double.Parse(exemplar.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture), 0,
            double.Parse(exemplar.Groups["le"].Value, System.Globalization.CultureInfo.InvariantCulture));

        var text = await ScrapeAsync(accept: null);
        Assert.DoesNotContain(traceId, text);
        Assert.DoesNotContain(" # {", text);
    }

    [Fact]
    public async Task A_sends_provider_call_and_accept_to_sent_latency_name_the_trace_of_the_request_that_sent_it()
    {
        // A latency of its own puts the provider call in a bucket (0.5-1 s) that no other spec of this host fills.
        var tenant = await service.NewTenantAsync("""{"latencyMs": 600}""", "sms");
        var traceId = NewTraceId();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/services/notifications/send")
        {
            Content = JsonContent.Create(new
            {
                channel = "sms", priority = "low", recipient = new { phone = "+14155550123" }, content = new { body = "Hi" },
            }),
        };
        request.Headers.Add("traceparent", TraceParent(traceId));
        var response = await tenant.Http.SendAsync(request);
        Assert.Equal(202, (int)response.StatusCode);
        var id = Guid.Parse((await response.JsonAsync())["id"]!.GetValue<string>());
        await service.Ledger.WaitForAsync(id, "sent");

        var scrape = await ScrapeAsync(OpenMetrics);
        Assert.Single(BucketsWithTrace(scrape, "delivery_attempt_duration_seconds_bucket{provider_kind=\"sandbox\"}", traceId));
        Assert.Single(BucketsWithTrace(scrape, "notifications_accept_to_sent_seconds_bucket{channel=\"sms\",priority=\"low\"}", traceId));
    }

    [GeneratedRegex(@"le=""(?<le>[^""]+)""\} \S+ # \{trace_id=""[0-9a-f]{32}"",span_id=""[0-9a-f]{16}""\} (?<value>\S+) \S+$")]
    private static partial Regex Exemplar();
}
