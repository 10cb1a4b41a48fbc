using System.Diagnostics;
using NotificationService.Contracts;

namespace NotificationService.Features.Operations.Retention;

/// <summary>One kind's outcome of a pass: how many items went, in how many batches.</summary>
public sealed record RetentionResult(string Kind, DateTimeOffset OlderThan, long Purged, int Batches);

/// <summary>
/// Each kind of <see cref="IRetainedData"/> older than its retention is deleted by its owner in batches of
/// `Retention:BatchSize` (1,000), each its own short statement, with `Retention:PauseMs` (20) between batches so a large
/// backlog never holds locks long or crowds out the send path. When it runs is Hangfire's: one recurring job per kind,
/// every `Retention:IntervalMinutes` (10), once per cluster (Features/Operations/Jobs/MaintenanceJobs).
/// </summary>
public sealed class RetentionRunner(IEnumerable<IRetainedData> kinds, IConfiguration config, TimeProvider clock,
    ILogger<RetentionRunner> log)
{
    private readonly IRetainedData[] _kinds = [.. kinds];

    public int BatchSize => Math.Clamp(config.GetValue("Retention:BatchSize", 1000), 1, 100_000);

    public bool Enabled => config.GetValue("Retention:Enabled", true);

    public IEnumerable<string> KindNames => _kinds.Select(k => k.Kind);

    /// <summary>The retention of a kind in days; 0 keeps it forever.</summary>
    public int DaysOf(IRetainedData kind) => Math.Max(0, config.GetValue($"Retention:{kind.Kind}:Days", kind.DefaultDays));

    /// <summary>
    /// One pass over every kind as of <paramref name="now"/>: each purged until nothing older is left.
    /// <paramref name="progress"/> hears each kind's running total after every batch (the CLI prints it).
    /// </summary>
    public async Task<IReadOnlyList<RetentionResult>> RunOnceAsync(DateTimeOffset now, CancellationToken ct,
        Action<string, long>? progress = null)
    {
        var results = new List<RetentionResult>();
        foreach (var kind in _kinds)
            if (await PurgeAsync(kind, now, ct, progress) is { } result) results.Add(result);
        return results;
    }

    /// <summary>One kind's pass (the recurring job's); an unknown kind (a recurring job left by an older version) does nothing.</summary>
    public async Task PurgeKindAsync(string kind, DateTimeOffset now, CancellationToken ct)
    {
        if (_kinds.FirstOrDefault(k => k.Kind == kind) is { } found) await PurgeAsync(found, now, ct, null);
    }

    private async Task<RetentionResult?> PurgeAsync(IRetainedData kind, DateTimeOffset now, CancellationToken ct,
        Action<string, long>? progress)
    {
        var days = DaysOf(kind);
        if (days == 0) return null;
        var pause = TimeSpan.FromMilliseconds(Math.Max(0, config.GetValue("Retention:PauseMs", 20)));
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
        return new RetentionResult(kind.Kind, olderThan, purged, batches);
    }
}

public static class RetentionServiceExtensions
{
    /// <summary>The purges (run by the recurring jobs of Operations/Jobs and by `retention run`); each kind registers its own
    /// <see cref="IRetainedData"/> in its feature.</summary>
    public static IServiceCollection AddRetention(this IServiceCollection services) => services.AddSingleton<RetentionRunner>();
}
