using NotificationService.Infrastructure;

namespace NotificationService.Features.Operations.Usage;

/// <summary>Moves the in-memory usage counts to PostgreSQL every `Usage:FlushSeconds` (default 2) and on shutdown.</summary>
public sealed class UsageFlusher(UsageCounter counter, UsageStore store, IConfiguration config, ILogger<UsageFlusher> log)
    : CountFlusher<UsageKey>(Every(config, "Usage:FlushSeconds"), log)
{
    protected override IReadOnlyDictionary<UsageKey, long> Drain() => counter.Drain();

    protected override void Restore(IReadOnlyDictionary<UsageKey, long> counts) => counter.Restore(counts);

    protected override Task WriteAsync(IReadOnlyDictionary<UsageKey, long> counts, CancellationToken ct) => store.AddAsync(counts, ct);
}
