using NotificationService.Queue;

namespace NotificationService.Tests.Support;

/// <summary>Every job the service's queue processor acknowledged, with its result (the queue's test signal).</summary>
public sealed class QueueRecorder
{
    public Recorded<(Job Job, JobResult Result)> Acknowledged { get; } = new();

    public QueueRecorder(QueueEvents events) => events.Acknowledged += batch => Acknowledged.Add(batch.Jobs.Zip(batch.Results));

    public Task<IReadOnlyList<(Job Job, JobResult Result)>> WaitForAsync(Guid tenantId, Func<JobResult, bool> result, string what, int count = 1, TimeSpan? timeout = null) =>
        Acknowledged.WaitForAsync(a => a.Job.TenantId == tenantId && result(a.Result), what, count, timeout);
}
