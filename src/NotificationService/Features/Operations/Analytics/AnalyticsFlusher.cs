namespace NotificationService.Features.Operations.Analytics;

/// <summary>
/// Moves the in-memory analytics counts to PostgreSQL every `Analytics:FlushSeconds` (default 2) and once more on
/// shutdown. A failed write (database down) keeps the counts for the next try.
/// </summary>
public sealed class AnalyticsFlusher(AnalyticsCounter counter, AnalyticsStore store, IConfiguration config, ILogger<AnalyticsFlusher> log)
    : BackgroundService
{
    private readonly TimeSpan _interval = TimeSpan.FromSeconds(Math.Max(0.1, config.GetValue("Analytics:FlushSeconds", 2.0)));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    /// <summary>Writes what is counted now (the loop does this every interval; specs and shutdown call it directly).</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var counts = counter.Drain();
        if (counts.Count == 0) return;
        try { await store.AddAsync(counts, ct); }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or OperationCanceledException)
        {
            counter.Restore(counts);
            log.LogWarning("Analytics counts not written ({Cells} cells kept for the next flush): {Error}", counts.Count, e.Message);
        }
    }
}
