using System.Diagnostics.Metrics;
using Prometheus;

namespace NotificationService.Features.Operations.Metrics;

/// <summary>
/// Carries the exported System.Diagnostics.Metrics instruments (<see cref="MetricBindings"/>) into this host's
/// prometheus-net collectors, one per family of <see cref="MetricFamilies"/>: a counter adds, an observable counter
/// sets its running total, a gauge sets (an up-down counter adds), a histogram observes. Only this host's meters (created
/// by its <see cref="IMeterFactory"/>) and process-wide static meters are listened to, so two hosts in one process keep apart.
/// prometheus-net's MeterAdapter is not used: it names series after the meter and instrument and labels them with every
/// tag, where dashboards and alert rules need the families' own names and label sets.
/// </summary>
public sealed class MeterBridge : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly BridgedFamily[] _families;
    private readonly Lock _observing = new();

    public MeterBridge(IMeterFactory meters, IMetricFactory metrics)
    {
        var families = MetricFamilies.All.ToDictionary(f => f, f => new BridgedFamily(f, metrics));
        _families = [.. families.Values];
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope is { } scope && !ReferenceEquals(scope, meters)) return; // another host's meter
            if (MetricBindings.For(instrument) is not { } binding) return;
            listener.EnableMeasurementEvents(instrument, new Recorder(families[binding.Family], binding.Labels, instrument.IsObservable));
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((Recorder)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((Recorder)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((Recorder)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>
    /// Reads the observable instruments now (before a scrape). Observable series are what the callbacks report now:
    /// a series they no longer report (a circuit state no config is in any more) leaves the scrape.
    /// </summary>
    public void ReadObservables()
    {
        lock (_observing)
        {
            foreach (var family in _families) family.StartObserving();
            _listener.RecordObservableInstruments();
            foreach (var family in _families) family.RemoveUnobserved();
        }
    }

    public void Dispose() => _listener.Dispose();

    private sealed class Recorder(BridgedFamily family, LabelMap labels, bool observable)
    {
        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (observable) family.Observed(labels(tags), value);
            else family.Measured(labels(tags), value);
        }
    }
}
