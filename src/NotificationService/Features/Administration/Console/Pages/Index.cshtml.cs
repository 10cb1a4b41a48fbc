using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Sending.Providers;
using NotificationService.Features.Tenancy.Quotas;
using NotificationService.Queue;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>The overview: last hour per channel (totals and a chart of 5-minute slots), queue depths, each provider's
/// circuit (failing ones first), and the month's use of each quota the operator set.</summary>
public sealed class IndexModel(NotificationActivity activity, JobQueue jobs, ProviderAdmin providers, CircuitBreakers circuits,
    TimeProvider clock, IEnumerable<WorkQueue> queues, MonthlyQuotas quotas) : ConsolePage
{
    public IReadOnlyList<QuotaUsage> Quotas { get; private set; } = [];
    public IReadOnlyList<ChannelCounts> LastHour { get; private set; } = [];
    public IReadOnlyList<ActivityChart> Charts { get; private set; } = [];
    public IReadOnlyList<QueueStats> Queues { get; private set; } = [];
    public IReadOnlyList<ProviderHealth> Providers { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var since = clock.GetUtcNow().AddHours(-1);
        LastHour = await activity.CountsSinceAsync(TenantId, since, ct);
        Charts = ActivityChart.For(LastHour, await activity.SlotsSinceAsync(TenantId, since, ActivityChart.Slot, ct), since);
        Queues = QueueListing.All(queues, await jobs.StatsAsync(TenantId, ct));
        Providers = ProviderHealth.Of(await providers.ListAsync(TenantId, ct), circuits)
            .OrderByDescending(h => h.Circuit.Failing).ThenBy(h => h.Provider.Channel).ThenBy(h => h.Provider.Priority)
            .ToList();
        Quotas = await quotas.UsageAsync(TenantId, ct);
    }
}
