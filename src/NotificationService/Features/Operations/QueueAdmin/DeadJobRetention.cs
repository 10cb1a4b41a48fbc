using NotificationService.Contracts;
using NotificationService.Queue;

namespace NotificationService.Features.Operations.QueueAdmin;

/// <summary>Dead jobs are kept `Retention:DeadJobs:Days` (30 by default) for an admin to read or retry, then deleted.</summary>
public sealed class DeadJobRetention(JobQueue queue) : IRetainedData
{
    public string Kind => "DeadJobs";

    public int DefaultDays => 30;

    public Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct) => queue.PurgeDeadAsync(olderThan, limit, ct);
}
