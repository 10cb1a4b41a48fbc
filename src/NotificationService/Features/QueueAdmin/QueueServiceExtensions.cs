using NotificationService.Channels;
using NotificationService.Queue;

namespace NotificationService.Features.QueueAdmin;

/// <summary>
/// The queue: one per channel, named after it. Every replica can enqueue; replicas in `worker` or
/// `all` mode also run the processor (claim, deliver, acknowledge, rescue expired leases).
/// </summary>
public static class QueueServiceExtensions
{
    public static IServiceCollection AddQueue(this IServiceCollection services, IConfiguration config, bool includeWorkers)
    {
        services.AddSingleton<QueueSignals>();
        services.AddSingleton<CrossReplicaNotifier>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<DeadJobRetry>();
        if (!includeWorkers) return services;

        var section = config.GetSection("Queue");
        services.AddSingleton(new QueueProcessorOptions
        {
            // Outgoing webhooks have their own queue (in the default list), so a slow receiver never delays a channel's sends.
            Queues = section.GetSection("Queues").Get<string[]>() ?? [.. ChannelNames.All, Bulk.BulkJobHandler.QueueName, Features.Webhooks.WebhookOutbox.Queue],
            WorkerId = $"{Environment.MachineName}:{Environment.ProcessId}",
            BatchSize = section.GetValue("BatchSize", 100),
            MaxBatchesInFlightPerQueue = section.GetValue("MaxBatchesInFlightPerQueue", 4),
            Lease = TimeSpan.FromSeconds(section.GetValue("LeaseSeconds", 30)),
            PollInterval = TimeSpan.FromMilliseconds(section.GetValue("PollIntervalMs", 2000)),
            RescueInterval = TimeSpan.FromSeconds(section.GetValue("RescueIntervalSeconds", 10)),
            RetryPolicyFor = _ => new RetryPolicy(
                TimeSpan.FromSeconds(section.GetValue("RetryBaseSeconds", 1.0)),
                TimeSpan.FromMinutes(section.GetValue("RetryMaxMinutes", 60.0))),
        });
        services.AddSingleton<QueueProcessor>();
        services.AddSingleton<QueueWorkerService>();
        services.AddHostedService(sp => sp.GetRequiredService<QueueWorkerService>());
        return services;
    }
}

/// <summary>Runs the processor for the life of the host; /health/ready reports whether it is running.</summary>
public sealed class QueueWorkerService(QueueProcessor processor) : BackgroundService
{
    public bool IsRunning => processor.IsRunning;
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => processor.RunAsync(stoppingToken);
}
