using NotificationService.Features.Notifications;
using NotificationService.Features.Providers;
using NotificationService.Queue;

namespace NotificationService.Features.Console.Pages;

/// <summary>The overview: last hour per channel, queue depths, and each provider's circuit (failing ones first).</summary>
public sealed class IndexModel(NotificationSearch search, JobQueue jobs, ProviderAdmin providers, CircuitBreakers circuits, TimeProvider clock) : ConsolePage
{
    public IReadOnlyList<ChannelCounts> LastHour { get; private set; } = [];
    public IReadOnlyList<QueueStats> Queues { get; private set; } = [];
    public IReadOnlyList<ProviderHealth> Providers { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        LastHour = await search.CountsSinceAsync(TenantId, clock.GetUtcNow().AddHours(-1), ct);
        Queues = await jobs.StatsAsync(TenantId, ct);
        Providers = ProviderHealth.Of(await providers.ListAsync(TenantId, ct), circuits)
            .OrderByDescending(h => h.Circuit.Failing).ThenBy(h => h.Provider.Channel).ThenBy(h => h.Provider.Priority)
            .ToList();
    }
}
