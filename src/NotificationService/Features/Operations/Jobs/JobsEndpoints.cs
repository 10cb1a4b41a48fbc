using Hangfire;
using Hangfire.Common;
using Hangfire.PostgreSql;
using NotificationService.Contracts;
using NotificationService.Features.Operations.Metrics;
using NotificationService.Hosting;

namespace NotificationService.Features.Operations.Jobs;

/// <summary>
/// Hangfire for the jobs that are not per message: recurring maintenance, run once per cluster, and the operator's long
/// jobs. Every process can enqueue and serves the dashboard; only processes that run workers (`Mode=worker|all`) run a
/// Hangfire server. The storage is this host's own (not Hangfire's static one), so hosts in one process never mix.
/// </summary>
public static class JobsServiceExtensions
{
    /// <summary>The queues, named after what they run: maintenance passes, and the operator's long jobs.</summary>
    public static readonly string[] Queues = [MaintenanceQueue, OperatorQueue];
    public const string MaintenanceQueue = JobQueues.Maintenance;
    public const string OperatorQueue = JobQueues.Operator;

    public static IServiceCollection AddBackgroundJobs(this IServiceCollection services, IConfiguration config, bool includeWorkers)
    {
        services.AddSingleton(_ => JobsConnections.For(config));
        // Registered before AddHangfire, which then keeps it: every client, server and dashboard of this host uses it.
        services.AddSingleton<JobStorage>(sp =>
            new PostgreSqlStorage(sp.GetRequiredService<JobsConnections>(), JobsStorageOptions.From(config))
            {
                // Finished jobs (succeeded, deleted) stay this long for the dashboard's history, then go.
                JobExpirationTimeout = TimeSpan.FromDays(Math.Max(0.01, config.GetValue("Jobs:FinishedJobDays", 7.0))),
            });
        services.AddHostBoundActivator();   // before AddHangfire, which keeps it (HostBoundHangfire says why)
        services.AddSingleton<IJobFilterProvider, HostJobFilters>();   // likewise: the host's own filters beside the global ones
        services.AddHangfire((sp, c) => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseHostLogs(sp));
        services.AddSingleton<MaintenanceJobs>().AddSingleton<IRecurringJobs, RetentionRecurringJobs>();
        services.AddMetricsSource<JobsGauges>();
        if (!includeWorkers) return services;
        services.AddHostedService<RecurringJobsRegistration>();
        services.AddHangfireServer((sp, o) =>
        {
            o.Queues = Queues;
            o.WorkerCount = Math.Max(1, config.GetValue("Jobs:WorkerCount", 2));
            o.SchedulePollingInterval = TimeSpan.FromSeconds(Math.Max(0.1, config.GetValue("Jobs:SchedulePollSeconds", 15.0)));
            o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";
        });
        return services;
    }
}
