namespace NotificationService.Queue;

/// <summary>A batch the processor acknowledged: each job with the result it was given.</summary>
public sealed record AcknowledgedBatch(string Queue, IReadOnlyList<Job> Jobs, IReadOnlyList<JobResult> Results);

/// <summary>
/// What the processor just did, as events (River's test signals): a test waits for "the job was acknowledged as
/// throttled" or "the queue went idle" instead of sleeping for longer than it should take. Handlers run on the
/// processor's thread and must be quick; nothing subscribes in production.
/// </summary>
public sealed class QueueEvents
{
    /// <summary>A batch's results were written (after the acknowledgement committed).</summary>
    public event Action<AcknowledgedBatch>? Acknowledged;

    /// <summary>A claim found nothing due: the queue's loop is about to wait for a wake-up.</summary>
    public event Action<string>? WentIdle;

    /// <summary>The LISTEN connection is listening: from now on other replicas' NOTIFYs reach this processor.</summary>
    public event Action? Listening;

    internal void OnListening() => Listening?.Invoke();

    internal void OnAcknowledged(string queue, IReadOnlyList<Job> jobs, IReadOnlyList<JobResult> results) =>
        Acknowledged?.Invoke(new AcknowledgedBatch(queue, jobs, results));

    internal void OnIdle(string queue) => WentIdle?.Invoke(queue);
}
