using NotificationService.Infrastructure;
using System.Diagnostics.Metrics;
using NotificationService.Features.Sending.Providers;
using NotificationService.Queue;

namespace NotificationService.Features.Operations.Metrics;

/// <summary>
/// Gauges read at scrape time: queue depth per queue and state, the oldest due job's age (one query over `jobs`,
/// cached for <see cref="QueueStatsMaxAge"/> so scrapes from several Prometheus servers cost one query at most that
/// often), and this replica's circuits per provider kind.
/// </summary>
public sealed class OperationalGauges : IMetricsSource
{
    public static readonly TimeSpan QueueStatsMaxAge = TimeSpan.FromSeconds(5);
    private readonly JobQueue _queue;
    private readonly string[] _knownQueues;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private IReadOnlyList<QueueStats> _stats = [];
    private DateTimeOffset _statsAt = DateTimeOffset.MinValue;

    public OperationalGauges(ServiceMeter meter, JobQueue queue, IEnumerable<WorkQueue> queues, CircuitBreakers circuits,
        TimeProvider clock)
    {
        _queue = queue;
        _knownQueues = [.. queues.Select(q => q.Name).Distinct()];
        _clock = clock;
        meter.Meter.CreateObservableGauge(ServiceMeter.QueueDepthName, () => _stats.SelectMany(s => new[]
        {
            Depth(s.Queue, "ready", s.Ready), Depth(s.Queue, "scheduled", s.Scheduled),
            Depth(s.Queue, "running", s.Running), Depth(s.Queue, "dead", s.Dead),
        }));
        meter.Meter.CreateObservableGauge(ServiceMeter.OldestReadyName, () => _stats.Select(s =>
            new Measurement<double>(s.OldestReadyAge?.TotalSeconds ?? 0, new KeyValuePair<string, object?>("queue", s.Queue))));
        meter.Meter.CreateObservableGauge(ServiceMeter.CircuitsName, () => circuits.CountByKindAndState().Select(c =>
            new Measurement<long>(c.Value, new("provider_kind", c.Key.Kind), new("state", c.Key.State))));
    }

    private static Measurement<long> Depth(string queue, string state, long units) => new(units, new("queue", queue), new("state", state));

    /// <summary>Refreshes the queue figures when they are older than <see cref="QueueStatsMaxAge"/>; concurrent scrapes share
    /// one query.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        if (_clock.GetUtcNow() - _statsAt < QueueStatsMaxAge) return;
        await _refresh.WaitAsync(ct);
        try
        {
            if (_clock.GetUtcNow() - _statsAt < QueueStatsMaxAge) return;
            // Every known queue has series, empty ones at 0: a queue that drained does not vanish from a graph.
            var stats = (await _queue.StatsAsync(null, ct)).ToDictionary(s => s.Queue);
            foreach (var q in _knownQueues) stats.TryAdd(q, new QueueStats(q, 0, 0, 0, 0, null));
            _stats = [.. stats.Values.OrderBy(s => s.Queue, StringComparer.Ordinal)];
            _statsAt = _clock.GetUtcNow();
        }
        finally { _refresh.Release(); }
    }
}
