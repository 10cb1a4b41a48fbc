using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Operations.Metrics;
using NotificationService.Infrastructure;

namespace NotificationService.Tests.Features.Operations.Metrics;

/// <summary>The bridge from the service's meters to a registry of its own, without a host.</summary>
public sealed class MeterBridgeTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly Prometheus.CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly MeterBridge _bridge;

    public MeterBridgeTests() => _bridge = new MeterBridge(Meters, Prometheus.Metrics.WithCustomRegistry(_registry));

    private IMeterFactory Meters => _services.GetRequiredService<IMeterFactory>();

    private async Task<string> ExportAsync()
    {
        _bridge.ReadObservables();
        using var stream = new MemoryStream();
        await _registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    [Fact]
    public async Task Recording_a_sends_series_inside_a_trace_allocates_nothing_once_the_series_exist()
    {
        var meter = new ServiceMeter(Meters);
        using var trace = new Activity("deliver process").Start(); // the histograms keep its id as their exemplar
        void Send()
        {
            meter.Accepted("email", 1);
            meter.Attempt("email", "sandbox", "sent", TimeSpan.FromMilliseconds(30));
            meter.Sent("email", "normal", TimeSpan.FromSeconds(2));
            meter.Finished("email", "sent");
        }
        for (var i = 0; i < 100; i++) Send(); // the series, the exemplar pools and the JIT settle
        const int sends = 10_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < sends; i++) Send();
        var bytesPerSend = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)sends;

        Assert.True(bytesPerSend < 1, $"{bytesPerSend:0.##} bytes allocated per send's recording");
        var text = await ExportAsync();
        Assert.Contains($"notifications_accepted_total{{channel=\"email\"}} {sends + 100}\n", text);
        Assert.Contains($"delivery_attempt_duration_seconds_count{{provider_kind=\"sandbox\"}} {sends + 100}\n", text);
        const string twoSeconds = "notifications_accept_to_sent_seconds_bucket{channel=\"email\",priority=\"normal\",le=\"2.5\"}";
        Assert.Contains($"{twoSeconds} {sends + 100}\n", text);
    }

    [Fact]
    public async Task An_observable_series_its_callback_stops_reporting_leaves_the_scrape_and_an_absent_label_is_empty()
    {
        var states = new List<string> { "open", "closed" };
        Meters.Create(ServiceMeter.Name).CreateObservableGauge(ServiceMeter.CircuitsName, () =>
            states.Select(s => new Measurement<long>(2, new KeyValuePair<string, object?>("state", s))));

        Assert.Contains("provider_circuits{provider_kind=\"\",state=\"open\"} 2\n", await ExportAsync());
        states.Remove("open");
        var text = await ExportAsync();
        Assert.DoesNotContain("state=\"open\"", text);
        Assert.Contains("provider_circuits{provider_kind=\"\",state=\"closed\"} 2\n", text);
    }

    public void Dispose()
    {
        _bridge.Dispose();
        _services.Dispose();
    }
}
