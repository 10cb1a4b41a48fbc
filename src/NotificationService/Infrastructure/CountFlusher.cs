namespace NotificationService.Infrastructure;

/// <summary>
/// Moves counts kept in memory (usage, analytics: ledger observers) to PostgreSQL every interval and once more on
/// shutdown. A failed write (database down) puts the counts back for the next try, so a flush never loses them.
/// </summary>
public abstract class CountFlusher<TKey>(TimeSpan interval, ILogger log) : BackgroundService where TKey : notnull
{
    /// <summary>The interval a setting gives in seconds (at least 0.1 s; 2 s by default).</summary>
    protected static TimeSpan Every(IConfiguration config, string key) => TimeSpan.FromSeconds(Math.Max(0.1, config.GetValue(key, 2.0)));

    /// <summary>Takes what was counted since the last call.</summary>
    protected abstract IReadOnlyDictionary<TKey, long> Drain();

    /// <summary>Puts back counts a failed write could not store.</summary>
    protected abstract void Restore(IReadOnlyDictionary<TKey, long> counts);

    protected abstract Task WriteAsync(IReadOnlyDictionary<TKey, long> counts, CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    private volatile bool _stopping;

    /// <summary>From the start of shutdown on: the flushes left are the last, so a writer that keeps counts back for a
    /// later flush (analytics' accepts waiting for their provider) must write them now, or they go with the process.</summary>
    protected bool Stopping => _stopping;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    // One flush at a time: a caller asking for what is counted now found the counts already drained by the loop's flush
    // and returned while that flush was still writing them.
    private readonly SemaphoreSlim _flushing = new(1, 1);

    /// <summary>Writes what is counted now (the loop does this every interval; specs and shutdown call it directly): when it
    /// returns, every count made before the call is written or, the write having failed, kept for the next flush.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        await _flushing.WaitAsync(CancellationToken.None);   // the holder is a flush, which ends on its own token
        try
        {
            var counts = Drain();
            if (counts.Count == 0) return;
            try { await WriteAsync(counts, ct); }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or OperationCanceledException)
            {
                Restore(counts);
                log.LogWarning("{Counts} counts not written ({Cells} cells kept for the next flush): {Error}",
                    GetType().Name, counts.Count, e.Message);
            }
        }
        finally { _flushing.Release(); }
    }
}
