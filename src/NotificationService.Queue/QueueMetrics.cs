using System.Diagnostics.Metrics;

namespace NotificationService.Queue;

/// <summary>
/// The queue's own instruments (System.Diagnostics.Metrics; the host decides what to export). On a meter from the host's
/// <see cref="IMeterFactory"/>, so two hosts in one process keep their figures apart. Labels: the queue name only.
/// </summary>
public sealed class QueueMetrics
{
    public const string MeterName = "NotificationService.Queue";
    public const string SetAsideName = "queue.jobs.set_aside";

    private readonly Counter<long> _setAside;

    public QueueMetrics(IMeterFactory factory)
    {
        var meter = factory.Create(MeterName);
        _setAside = meter.CreateCounter<long>(SetAsideName,
            description: "Jobs this replica's rescuer set aside because their handling stopped the worker");
    }

    internal void SetAside(string queue, int count)
    {
        if (count > 0) _setAside.Add(count, new KeyValuePair<string, object?>("queue", queue));
    }
}
