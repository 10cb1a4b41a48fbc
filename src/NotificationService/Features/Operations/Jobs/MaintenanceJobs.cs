using Hangfire;
using NotificationService.Contracts;
using NotificationService.Features.Operations.Retention;

namespace NotificationService.Features.Operations.Jobs;

/// <summary>
/// The recurring maintenance, as Hangfire jobs: one recurring job per retention kind (`retention:{kind}`), each enqueued
/// once per occurrence for the whole cluster by Hangfire's scheduler, whichever worker replicas run. A run that is still
/// going when the next occurrence comes keeps it waiting (no two purges of a kind overlap); a failed run is not retried,
/// the next occurrence resumes where it stopped. Arguments are kind names only.
/// </summary>
public sealed class MaintenanceJobs(RetentionRunner retention, TimeProvider clock)
{
    public static string RetentionJobId(string kind) => $"retention:{kind}";

    [Queue(JobsServiceExtensions.MaintenanceQueue)]
    [DisableConcurrentExecution("retention:{0}", 600)]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    [JobDisplayName("Retention: purge {0}")]
    public Task PurgeAsync(string kind, CancellationToken ct) => retention.PurgeKindAsync(kind, clock.GetUtcNow(), ct);
}

/// <summary>Retention's recurring jobs: one per kind, every `Retention:IntervalMinutes` (or `Retention:Cron`).</summary>
public sealed class RetentionRecurringJobs(RetentionRunner retention, IConfiguration config) : IRecurringJobs
{
    public void Register(IRecurringJobManager recurring)
    {
        var minutes = Math.Clamp(config.GetValue("Retention:IntervalMinutes", 10), 1, 59);
        var cron = config["Retention:Cron"] ?? Cron.MinuteInterval(minutes);
        foreach (var kind in retention.KindNames)
        {
            var id = MaintenanceJobs.RetentionJobId(kind);
            if (!retention.Enabled) { recurring.RemoveIfExists(id); continue; }
            recurring.AddOrUpdate<MaintenanceJobs>(id, JobsServiceExtensions.MaintenanceQueue,
                j => j.PurgeAsync(kind, CancellationToken.None), cron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        }
    }
}

/// <summary>
/// Registers every feature's recurring jobs when a worker starts, beside the start rather than in it: each update takes
/// the job's distributed lock, which a replica killed while holding it keeps until `DistributedLockTimeout` (a minute), and
/// a replacement replica must start meanwhile. A source that cannot register now is tried again every few seconds; the
/// jobs registered before keep running from the storage in the meantime.
/// </summary>
public sealed class RecurringJobsRegistration(IRecurringJobManager recurring, IEnumerable<IRecurringJobs> sources,
    ILogger<RecurringJobsRegistration> log) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var pending = sources.ToList();
        while (pending.Count > 0 && !stopping.IsCancellationRequested)
        {
            pending = await Task.Run(() => pending.Where(source => !TryRegister(source)).ToList(), stopping);
            if (pending.Count > 0) await Task.Delay(RetryDelay, stopping);
        }
    }

    private bool TryRegister(IRecurringJobs source)
    {
        try { source.Register(recurring); return true; }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning("Recurring jobs of {Source} not registered yet, trying again in {Delay}: {Error}", source.GetType().Name,
                RetryDelay, e.Message);
            return false;
        }
    }
}
