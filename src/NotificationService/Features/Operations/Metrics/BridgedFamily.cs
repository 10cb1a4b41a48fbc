using System.Collections.Concurrent;
using Prometheus;

namespace NotificationService.Features.Operations.Metrics;

/// <summary>
/// One family's prometheus-net collector and its series by label values. Series are cached by the value-type
/// <see cref="LabelValues"/>, so recording into a series that exists allocates nothing. A label the instrument did not
/// report is exported empty, which PromQL reads as absent. Histograms keep, per bucket, the trace and span id of the
/// activity that recorded last as the bucket's exemplar (shown under OpenMetrics): a slow bucket leads to a trace, or
/// to the log lines that carry its id. Counters keep none.
/// </summary>
internal sealed class BridgedFamily
{
    private static readonly ExemplarBehavior TraceExemplars = new() { DefaultExemplarProvider = (_, _) => Exemplar.FromTraceContext() };
    private readonly MetricFamilyInfo _info;
    private readonly Collector _collector;
    private readonly ConcurrentDictionary<LabelValues, ChildBase> _series = new();
    private readonly Func<LabelValues, ChildBase> _create;
    private HashSet<LabelValues>? _observed; // observable families only; touched under MeterBridge's lock

    public BridgedFamily(MetricFamilyInfo info, IMetricFactory metrics)
    {
        _info = info;
        _create = Create;
        // Suppressed initial values: a series appears once measured, as a family without labels does (the pool's max before it opens).
        _collector = info.Type switch
        {
            MetricType.Counter => metrics.CreateCounter(info.Name, info.Help, info.Labels,
                new CounterConfiguration { SuppressInitialValue = true, ExemplarBehavior = ExemplarBehavior.NoExemplars() }),
            MetricType.Gauge => metrics.CreateGauge(info.Name, info.Help, info.Labels,
                new GaugeConfiguration { SuppressInitialValue = true }),
            _ => metrics.CreateHistogram(info.Name, info.Help, info.Labels,
                new HistogramConfiguration { Buckets = info.Buckets, SuppressInitialValue = true, ExemplarBehavior = TraceExemplars }),
        };
    }

    /// <summary>A counter's increment, an up-down counter's change or a histogram's observation.</summary>
    public void Measured(LabelValues labels, double value)
    {
        switch (Series(labels))
        {
            case Counter.Child counter when value >= 0: counter.Inc(value); break;
            case Gauge.Child gauge: gauge.Inc(value); break;
            case Histogram.Child histogram: histogram.Observe(value); break;
        }
    }

    /// <summary>What an observable instrument reports at scrape time: a gauge's value or a counter's running total.</summary>
    public void Observed(LabelValues labels, double value)
    {
        (_observed ??= []).Add(labels);
        switch (Series(labels))
        {
            case Counter.Child counter: counter.IncTo(value); break;
            case Gauge.Child gauge: gauge.Set(value); break;
            case Histogram.Child histogram: histogram.Observe(value); break;
        }
    }

    public void StartObserving() => _observed?.Clear();

    /// <summary>Removes the series an observable family reported before and not in this reading.</summary>
    public void RemoveUnobserved()
    {
        if (_observed is null) return;
        foreach (var (labels, series) in _series)
            if (!_observed.Contains(labels) && _series.TryRemove(labels, out _)) series.Remove();
    }

    private ChildBase Series(LabelValues labels) =>
        _series.TryGetValue(labels, out var series) ? series : _series.GetOrAdd(labels, _create);

    private ChildBase Create(LabelValues labels)
    {
        var values = new string[_info.Labels.Length];
        for (var i = 0; i < values.Length; i++) values[i] = labels[i] ?? "";
        return _collector switch
        {
            Counter counter => counter.WithLabels(values),
            Gauge gauge => gauge.WithLabels(values),
            _ => ((Histogram)_collector).WithLabels(values),
        };
    }
}
