using System.Diagnostics;
using NotificationService.Contracts;

namespace NotificationService.Features.Operations.Retention;

/// <summary>One kind's outcome of a pass: how many items went, in how many batches.</summary>
public sealed record RetentionResult(string Kind, DateTimeOffset OlderThan, long Purged, int Batches);

/// <summary>
/// Every `Retention:IntervalMinutes` (10) each kind of <see cref="IRetainedData"/> older than its retention is deleted
/// by its owner in batches of `Retention:BatchSize` (1,000), each its own short statement, with `Retention:PauseMs`
/// (20) between batches so a large backlog never holds locks long or crowds out the send path. Every replica may
/// run it: the purges skip rows another replica has locked.
/// </summary>
public sealed class RetentionRunner(IEnumerable<IRetainedData> kinds, IConfiguration config, TimeProvider clock,
    ILogger<RetentionRunner> log) : BackgroundService
{
    private readonly IRetainedData[] _kinds = [.. kinds];

    public int BatchSize => Math.Clamp(config.GetValue("Retention:BatchSize", 1000), 1, 100_000);

    /// <summary>The retention of a kind in days; 0 keeps it forever.</summary>
    public int DaysOf(IRetainedData kind) => Math.Max(0, config.GetValue($"Retention:{kind.Kind}:Days", kind.DefaultDays));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!config.GetValue("Retention:Enabled", true)) return;
        var interval = TimeSpan.FromMinutes(Math.Max(0.01, config.GetValue("Retention:IntervalMinutes", 10.0)));
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await RunOnceAsync(clock.GetUtcNow(), stoppingToken); }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
            {
                log.LogWarning("Retention pass stopped ({Error}); the next pass resumes where it left off", e.Message);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            try { await Task.Delay(interval, clock, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>
    /// One pass over every kind as of <paramref name="now"/>: each purged until nothing older is left.
    /// <paramref name="progress"/> hears each kind's running total after every batch (the CLI prints it).
    /// </summary>
    public async Task<IReadOnlyList<RetentionResult>> RunOnceAsync(DateTimeOffset now, CancellationToken ct, Action<string, long>? progress = null)
    {
        var results = new List<RetentionResult>();
        var pause = TimeSpan.FromMilliseconds(Math.Max(0, config.GetValue("Retention:PauseMs", 20)));
        foreach (var kind in _kinds)
        {
            var days = DaysOf(kind);
            if (days == 0) continue;
            var olderThan = now.AddDays(-days);
            var (purged, batches, started) = (0L, 0, Stopwatch.GetTimestamp());
            int n;
            do
            {
                n = await kind.PurgeAsync(olderThan, BatchSize, ct);
                (purged, batches) = (purged + n, batches + 1);
                progress?.Invoke(kind.Kind, purged);
                if (n > 0 && batches % 50 == 0)
                    log.LogInformation("Retention {Kind}: {Purged} purged so far (older than {OlderThan:u})", kind.Kind, purged, olderThan);
                if (n > 0 && pause > TimeSpan.Zero) await Task.Delay(pause, clock, ct);
            } while (n > 0);
            if (purged > 0)
                log.LogInformation("Retention {Kind}: {Purged} purged in {Batches} batches, {Seconds:0.0} s (older than {OlderThan:u})",
                    kind.Kind, purged, batches, Stopwatch.GetElapsedTime(started).TotalSeconds, olderThan);
            results.Add(new RetentionResult(kind.Kind, olderThan, purged, batches));
        }
        return results;
    }
}

public static class RetentionServiceExtensions
{
    /// <summary>The retention loop; each kind registers its own <see cref="IRetainedData"/> in its feature.</summary>
    public static IServiceCollection AddRetention(this IServiceCollection services) => services
        .AddSingleton<RetentionRunner>()
        .AddHostedService(sp => sp.GetRequiredService<RetentionRunner>());
}
