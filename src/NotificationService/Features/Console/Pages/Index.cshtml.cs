using NotificationService.Features.Notifications;
using NotificationService.Features.Providers;
using NotificationService.Queue;

namespace NotificationService.Features.Console.Pages;

/// <summary>The overview: last hour per channel, queue depths, and each provider's circuit (failing ones first).</summary>
public sealed class IndexModel(NotificationSearch search, JobQueue jobs, ProviderAdmin providers, CircuitBreakers circuits, TimeProvider clock) : ConsolePage
{
    public sealed record ProviderHealth(ProviderView Provider, CircuitState Circuit);

    public IReadOnlyList<ChannelCounts> LastHour { get; private set; } = [];
    public IReadOnlyList<QueueStats> Queues { get; private set; } = [];
    public IReadOnlyList<ProviderHealth> Providers { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        LastHour = await search.CountsSinceAsync(TenantId, clock.GetUtcNow().AddHours(-1), ct);
        Queues = await jobs.StatsAsync(TenantId, ct);
        // Circuits live in each replica's memory (CircuitBreakers explains why), so this is what this replica has seen.
        Providers = (await providers.ListAsync(TenantId, ct))
            .Select(p => new ProviderHealth(p, circuits.StateOf(p.Id)))
            .OrderByDescending(h => h.Circuit.Failing).ThenBy(h => h.Provider.Channel).ThenBy(h => h.Provider.Priority)
            .ToList();
    }
}
