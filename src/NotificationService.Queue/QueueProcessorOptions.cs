namespace NotificationService.Queue;

public sealed class QueueProcessorOptions
{
    public IReadOnlyList<string> Queues { get; init; } = [];
    public string WorkerId { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}";
    /// <summary>Jobs per claim; a handler gets up to this many at once.</summary>
    public int BatchSize { get; init; } = 100;
    /// <summary>Claimed batches being handled at once per queue (overlaps provider latency).</summary>
    public int MaxBatchesInFlightPerQueue { get; init; } = 4;
    /// <summary>How long a claim is valid; extended every third of it while the job runs.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>The safety net when no wake-up arrives (a lost NOTIFY, a scheduled job coming due).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);
    public TimeSpan RescueInterval { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Tenants visited per claim (round robin rotates through the rest on later claims).</summary>
    public int MaxTenantsPerClaim { get; init; } = 64;
    public Func<string, RetryPolicy> RetryPolicyFor { get; init; } = _ => RetryPolicy.Default;
}
