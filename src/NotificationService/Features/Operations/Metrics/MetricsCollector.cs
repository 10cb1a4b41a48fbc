using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace NotificationService.Features.Operations.Metrics;

/// <summary>
/// Aggregates the exported instruments in memory with a <see cref="MeterListener"/>: counters sum, histograms count
/// into the family's buckets, observable instruments are read at scrape time. Only this host's meters (created by its
/// <see cref="IMeterFactory"/>) and process-wide static meters are listened to, so two hosts in one process keep apart.
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<MetricFamilyInfo, FamilyState> _families = MetricFamilies.All.ToDictionary(f => f, f => new FamilyState(f));
    private readonly Lock _scrape = new();

    public MetricsCollector(IMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope is { } scope && !ReferenceEquals(scope, factory)) return; // another host's meter
            if (MetricBindings.For(instrument) is not { } binding) return;
            listener.EnableMeasurementEvents(instrument, new Recorder(_families[binding.Family], binding.Labels, instrument.IsObservable));
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, state) => ((Recorder)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>((_, value, tags, state) => ((Recorder)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, state) => ((Recorder)state!).Record(value, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments and returns every family with its series, in declaration order.</summary>
    public IReadOnlyList<(MetricFamilyInfo Family, IReadOnlyList<(LabelValues Labels, SeriesSnapshot Value)> Series)> Collect()
    {
        lock (_scrape)
        {
            // Observable series are what the callbacks report now: a series they no longer report disappears.
            foreach (var family in _families.Values.Where(f => f.Observable)) family.Series.Clear();
            _listener.RecordObservableInstruments();
            return MetricFamilies.All.Select(f => (f, (IReadOnlyList<(LabelValues, SeriesSnapshot)>)_families[f].Series
                    .Select(s => (s.Key, s.Value.Snapshot())).OrderBy(s => s.Key.ToString(), StringComparer.Ordinal).ToList()))
                .ToList();
        }
    }

    public void Dispose() => _listener.Dispose();

    private sealed class FamilyState(MetricFamilyInfo info)
    {
        public readonly MetricFamilyInfo Info = info;
        public readonly ConcurrentDictionary<LabelValues, Series> Series = new();
        public volatile bool Observable;
    }

    private sealed class Recorder(FamilyState family, LabelMap labels, bool observable)
    {
        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (observable) family.Observable = true;
            var key = labels(tags);
            var series = family.Series.GetOrAdd(key, static (_, info) => new Series(info), family.Info);
            series.Record(value, set: observable);
        }
    }

    /// <summary>One series: a value (counter, gauge) or histogram buckets. Locked per series: scrapes read a consistent state.</summary>
    private sealed class Series(MetricFamilyInfo info)
    {
        private readonly long[]? _buckets = info.Type == MetricType.Histogram ? new long[info.Buckets!.Length + 1] : null;
        private readonly Lock _gate = new();
        private double _value;
        private long _count;

        public void Record(double value, bool set)
        {
            lock (_gate)
            {
                if (_buckets is null) { _value = set ? value : _value + value; return; }
                var i = Array.BinarySearch(info.Buckets!, value);
                _buckets[i < 0 ? ~i : i]++; // `le` is inclusive: an exact bound counts in its own bucket
                _value += value;
                _count++;
            }
        }

        public SeriesSnapshot Snapshot()
        {
            lock (_gate) return new SeriesSnapshot(_value, _count, _buckets?.ToArray());
        }
    }
}

/// <summary>A series' value at scrape time; for histograms the sum, the count and per-bucket (not cumulative) counts.</summary>
public sealed record SeriesSnapshot(double Value, long Count, long[]? Buckets);
