using NotificationService.Features.Administration.Console.Pages;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>The analytics page's bars: every bar of a chart on one scale, a small value still visible, nothing drawn for
/// zero, and the accessible summary saying what is written beside each bar.</summary>
public class AnalyticsBarsTests
{
    private static AnalyticsBars Chart() => AnalyticsBars.Of("latency-chart",
    [
        ("twilio/sms", "twilio · sms", [new("p50", 200, "p50 200 ms"), new("p95", 800, "p95 800 ms")]),
        ("sandbox/email", "sandbox · email", [new("p50", 1, "p50 1 ms"), new("p95", 0, "p95 —")]),
    ]);

    [Fact]
    public void Bars_share_one_scale_a_small_value_stays_visible_and_zero_draws_nothing()
    {
        var chart = Chart();
        var twilio = chart.Rows[0].Bars;
        Assert.Equal((65.0, (double)AnalyticsBars.MaxBar), (twilio[0].Width, twilio[1].Width));   // 200 of 800 is a quarter of the longest
        var sandbox = chart.Rows[1].Bars;
        Assert.Equal(((double)AnalyticsBars.MinBar, 0.0), (sandbox[0].Width, sandbox[1].Width));
        Assert.True(chart.Rows[1].LabelY > twilio[1].Y, "each row is below the one before");
    }

    [Fact]
    public void The_summary_says_every_written_figure_and_the_chart_is_as_tall_as_its_rows()
    {
        var chart = Chart();
        Assert.Equal("twilio · sms: p50 200 ms, p95 800 ms; sandbox · email: p50 1 ms, p95 —", chart.Summary);
        Assert.Equal(chart.Rows[1].Bars[1].Y + AnalyticsBars.BarHeight + AnalyticsBars.Gap, chart.Height);
        Assert.Equal(0, AnalyticsBars.Of("empty", []).Height);
    }
}
