namespace NotificationService.Queue;

public sealed class QueueProcessorOptions
{
    public IReadOnlyList<string> Queues { get; set; } = [];
    public string WorkerId { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";
    /// <summary>Units per claim (a job is one unit unless it stands for a group); a handler gets about this much work at once.
    /// The size of every queue not in <see cref="BatchSizes"/>.</summary>
    public int BatchSize { get; set; } = 100;
    /// <summary>Queues with a size of their own (delivery queues claim more at once than queues whose every job is a whole
    /// fan-out or file).</summary>
    public IReadOnlyDictionary<string, int> BatchSizes { get; set; } = new Dictionary<string, int>();
    public int BatchSizeOf(string queue) => BatchSizes.GetValueOrDefault(queue, BatchSize);
    /// <summary>Queues whose claims commit without waiting for their WAL flush: their handlers commit synchronously before
    /// any effect outside the database (<see cref="WorkQueue.HandlerCommitsFirst"/>).</summary>
    public IReadOnlySet<string> ClaimsWithoutFlush { get; set; } = new HashSet<string>();
    /// <summary>Claimed batches being handled at once per queue (overlaps provider latency).</summary>
    public int MaxBatchesInFlightPerQueue { get; set; } = 4;
    /// <summary>How long a claim is valid; extended every third of it while the job runs.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>The safety net when no wake-up arrives (a lost NOTIFY, a scheduled job coming due).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan RescueInterval { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>
    /// The most a claim waits after a claim that was not full (the queue had less than a batch ready) while that queue
    /// still has a batch in flight. Under a steady stream of sends this lets jobs gather behind the batch being handled
    /// into one claim, one handler pass and one acknowledgement instead of a claim each; a full claim (a backlog) is
    /// followed by the next at once, and a queue with no batch in flight claims as soon as it is woken. Zero claims
    /// whenever woken.
    /// </summary>
    public TimeSpan FetchCooldown { get; set; } = TimeSpan.Zero;
    /// <summary>Tenants visited per claim (round robin rotates through the rest on later claims).</summary>
    public int MaxTenantsPerClaim { get; set; } = 64;
    public Func<string, RetryPolicy> RetryPolicyFor { get; set; } = _ => RetryPolicy.Default;
    /// <summary>How many worker deaths while holding a job set it aside (dead) instead of handing it out again.</summary>
    public CrashPolicy CrashPolicy { get; set; } = CrashPolicy.Default;
}

/// <summary>
/// A queue some feature enqueues to and handles (registered by that feature as a singleton). The host's workers serve
/// every registered queue unless configuration names the queues explicitly (`Queue:Queues`). <paramref name="BatchSize"/>:
/// the units this queue's claims take unless configuration says otherwise (null: the host's `Queue:BatchSize`).
/// <paramref name="HandlerCommitsFirst"/>: the queue's handler makes a synchronous commit before anything it does leaves
/// the database, so the claim need not wait for its own flush (<see cref="QueueProcessorOptions.ClaimsWithoutFlush"/>).
/// </summary>
public sealed record WorkQueue(string Name, int? BatchSize = null, bool HandlerCommitsFirst = false);
