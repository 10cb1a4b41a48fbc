using Hangfire;
using Hangfire.Storage;
using NotificationService.Features.Operations.Metrics;
using Prometheus;

namespace NotificationService.Features.Operations.Jobs;

/// <summary>
/// Hangfire's state on /metrics: jobs by state (enqueued, scheduled, processing, failed) and recurring jobs that are late
/// (their next run more than a minute past: no server is running them). Read from Hangfire's tables, cached for
/// <see cref="MaxAge"/> like the queue's gauges, so several scrapers cost one read at most that often.
/// </summary>
public sealed class JobsGauges : IMetricsSource
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Late = TimeSpan.FromMinutes(1);
    private readonly JobStorage _storage;
    private readonly TimeProvider _clock;
    private readonly Gauge _jobs;
    private readonly Gauge _late;
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public JobsGauges(IMetricFactory metrics, JobStorage storage, TimeProvider clock)
    {
        (_storage, _clock) = (storage, clock);
        _jobs = metrics.CreateGauge("hangfire_jobs",
            "Hangfire jobs (maintenance, tenant deletions) by state (enqueued, scheduled, processing, failed)", ["state"]);
        _late = metrics.CreateGauge("hangfire_recurring_jobs_late",
            "Recurring Hangfire jobs whose next run is more than a minute past (no server runs them)");
    }

    public Task RefreshAsync(CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        if (now - _readAt < MaxAge) return Task.CompletedTask;
        var stats = _storage.GetMonitoringApi().GetStatistics();
        _jobs.WithLabels("enqueued").Set(stats.Enqueued);
        _jobs.WithLabels("scheduled").Set(stats.Scheduled);
        _jobs.WithLabels("processing").Set(stats.Processing);
        _jobs.WithLabels("failed").Set(stats.Failed);
        using (var connection = _storage.GetConnection())
            _late.Set(connection.GetRecurringJobs().Count(j => j.NextExecution is { } next && next < now.UtcDateTime - Late));
        _readAt = now;
        return Task.CompletedTask;
    }
}
