using NotificationService.Contracts;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>One measure of a digest or throttle step in an hour: the key the step-window rollup counts.</summary>
public readonly record struct StepWindowCell(Guid TenantId, DateTimeOffset Hour, string Workflow, string StepId, string Measure);

/// <summary>
/// Counts what digest and throttle steps did (<see cref="StepWindowMeasures"/>), in memory: the engine hands each count over
/// after its transaction commits (one dictionary add under a lock), and <see cref="StepWindowFlusher"/> moves the counts to
/// `analytics_step_windows_hourly` with the other rollups. A crash loses at most one interval of this replica's counts.
/// </summary>
public sealed class StepWindowCounter(TimeProvider clock) : RollupCounts<StepWindowCell>, IStepWindowObserver
{
    public void Counted(StepWindowCount count)
    {
        var cell = new StepWindowCell(count.TenantId, AnalyticsCounter.Hour(clock.GetUtcNow()), count.Workflow, count.StepId,
            count.Measure);
        using (Counts.Locked()) Counts.Add(cell, count.Count);
    }
}

/// <summary>Moves the digest and throttle counts to PostgreSQL with the other rollups.</summary>
public sealed class StepWindowFlusher(StepWindowCounter counter, StepWindowStore store, IConfiguration config,
    ILogger<StepWindowFlusher> log)
    : RollupFlusher<StepWindowCell>(counter, config, log)
{
    protected override Task WriteAsync(IReadOnlyDictionary<StepWindowCell, long> counts, CancellationToken ct) =>
        store.AddAsync(counts, ct);
}
