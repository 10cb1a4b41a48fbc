using NotificationService.Queue;

namespace NotificationService.Hosting;

/// <summary>
/// The queue's plumbing for this host: every replica can enqueue; replicas in `worker` or `all` mode also run the
/// processor (claim, handle, acknowledge, rescue expired leases) for every queue a feature registered
/// (<see cref="WorkQueue"/>) with the handlers features registered (<see cref="IJobHandler"/>).
/// </summary>
public static class QueueWorkers
{
    public static IServiceCollection AddQueueWorkers(this IServiceCollection services, IConfiguration config, bool includeWorkers)
    {
        services.AddSingleton<QueueSignals>();
        services.AddSingleton<CrossReplicaNotifier>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<QueueEvents>();   // test signals: acknowledged batches, idle queues
        if (!includeWorkers) return services;

        var section = config.GetSection("Queue");
        services.AddSingleton(sp => Options(section, [.. sp.GetServices<WorkQueue>()]));
        services.AddSingleton<QueueMetrics>();   // queue_jobs_set_aside_total
        // Every handler behind the suspension hold: a suspended tenant's jobs wait (Features/Tenancy/Suspension).
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<QueueProcessor>(sp,
            Features.Tenancy.Suspension.SuspendedTenantHold.Around(sp)));
        services.AddSingleton<QueueWorkerService>();
        services.AddHostedService(sp => sp.GetRequiredService<QueueWorkerService>());
        return services;
    }

    /// <summary>The processor's settings: `Queue:*` configuration over what the features registered.</summary>
    private static QueueProcessorOptions Options(IConfigurationSection section, IReadOnlyList<WorkQueue> registered) =>
        new()
        {
            Queues = section.GetSection("Queues").Get<string[]>() ?? [.. registered.Select(q => q.Name).Distinct()],
            WorkerId = $"{Environment.MachineName}:{Environment.ProcessId}",
            BatchSize = section.GetValue("BatchSize", 100),
            BatchSizes = BatchSizes(section, registered),
            ClaimsWithoutFlush = registered.Where(q => q.HandlerCommitsFirst).Select(q => q.Name).ToHashSet(),
            MaxBatchesInFlightPerQueue = section.GetValue("MaxBatchesInFlightPerQueue", 4),
            Lease = TimeSpan.FromSeconds(section.GetValue("LeaseSeconds", 30.0)),
            PollInterval = TimeSpan.FromMilliseconds(section.GetValue("PollIntervalMs", 2000)),
            RescueInterval = TimeSpan.FromSeconds(section.GetValue("RescueIntervalSeconds", 10.0)),
            FetchCooldown = TimeSpan.FromMilliseconds(section.GetValue("FetchCooldownMs", 25)),
            RetryPolicyFor = _ => new RetryPolicy(
                TimeSpan.FromSeconds(section.GetValue("RetryBaseSeconds", 1.0)),
                TimeSpan.FromMinutes(section.GetValue("RetryMaxMinutes", 60.0))),
            // A worker dying while it holds a job counts against the job; this many set it aside (docs/decisions/crash-set-aside.md).
            CrashPolicy = new CrashPolicy(Math.Max(1, section.GetValue("CrashesBeforeSetAside", 2))),
        };

    /// <summary>The queues with a size of their own: `Queue:BatchSizes:&lt;queue&gt;`, else what the feature registered
    /// (<see cref="WorkQueue.BatchSize"/>); every other queue claims `Queue:BatchSize`.</summary>
    internal static Dictionary<string, int> BatchSizes(IConfigurationSection queue, IEnumerable<WorkQueue> registered)
    {
        // Configuration keys ignore case, so `Queue:BatchSizes:Email` names the email queue too.
        var sizes = registered.Where(q => q.BatchSize is not null).DistinctBy(q => q.Name)
            .ToDictionary(q => q.Name, q => q.BatchSize!.Value, StringComparer.OrdinalIgnoreCase);
        foreach (var entry in queue.GetSection("BatchSizes").GetChildren()) sizes[entry.Key] = entry.Get<int>();
        if (sizes.FirstOrDefault(s => s.Value < 1) is { Key: not null } bad)
            throw new InvalidOperationException($"Queue:BatchSizes:{bad.Key} must be at least 1 (was {bad.Value}).");
        return sizes;
    }
}

/// <summary>Runs the processor for the life of the host; /health/ready reports whether it is running.</summary>
public sealed class QueueWorkerService(QueueProcessor processor) : BackgroundService
{
    public bool IsRunning => processor.IsRunning;
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => processor.RunAsync(stoppingToken);
}
