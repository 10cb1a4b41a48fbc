using NotificationService.Features.Operations.Metrics;

namespace NotificationService.Tests.Features.Operations.Metrics;

public class PrometheusTextTests
{
    private static readonly MetricFamilyInfo Counter = new("things_done_total", MetricType.Counter, "Things done\nby kind \\ colour", ["kind"]);
    private static readonly MetricFamilyInfo Histogram = new("thing_duration_seconds", MetricType.Histogram, "How long", ["kind"], [0.5, 1]);

    private static readonly List<(MetricFamilyInfo, IReadOnlyList<(LabelValues, SeriesSnapshot)>)> Families =
    [
        (Counter, [(new LabelValues("a \"quoted\"\nvalue"), new SeriesSnapshot(3, 0, null))]),
        (Histogram, [(new LabelValues("b"), new SeriesSnapshot(2.25, 3, [1, 1, 1]))]),
    ];

    [Fact]
    public void The_text_format_names_counters_with_total_escapes_and_makes_buckets_cumulative()
    {
        var text = PrometheusText.Write(Families, openMetrics: false);
        Assert.Equal("""
            # HELP things_done_total Things done\nby kind \\ colour
            # TYPE things_done_total counter
            things_done_total{kind="a \"quoted\"\nvalue"} 3
            # HELP thing_duration_seconds How long
            # TYPE thing_duration_seconds histogram
            thing_duration_seconds_bucket{kind="b",le="0.5"} 1
            thing_duration_seconds_bucket{kind="b",le="1"} 2
            thing_duration_seconds_bucket{kind="b",le="+Inf"} 3
            thing_duration_seconds_sum{kind="b"} 2.25
            thing_duration_seconds_count{kind="b"} 3

            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void OpenMetrics_names_the_counter_family_without_total_uses_float_bounds_and_ends_with_EOF()
    {
        var text = PrometheusText.Write(Families, openMetrics: true);
        Assert.Contains("# TYPE things_done counter\nthings_done_total{kind=\"a \\\"quoted\\\"\\nvalue\"} 3.0\n", text);
        Assert.Contains("thing_duration_seconds_bucket{kind=\"b\",le=\"1.0\"} 2.0\n", text);
        Assert.EndsWith("# EOF\n", text);
    }

    [Theory]
    [InlineData("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5", true)]
    [InlineData("text/plain;version=0.0.4;q=1,*/*;q=0.1", false)]
    [InlineData(null, false)]
    public void OpenMetrics_is_answered_only_when_the_scraper_asks_for_it(string? accept, bool expected) =>
        Assert.Equal(expected, PrometheusText.WantsOpenMetrics(accept));
}
