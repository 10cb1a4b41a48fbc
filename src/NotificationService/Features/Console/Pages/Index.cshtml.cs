using NotificationService.Features.Notifications;
using NotificationService.Queue;

namespace NotificationService.Features.Console.Pages;

public sealed class IndexModel(NotificationSearch search, JobQueue jobs, TimeProvider clock) : ConsolePage
{
    public IReadOnlyList<ChannelCounts> LastHour { get; private set; } = [];
    public IReadOnlyList<QueueStats> Queues { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        LastHour = await search.CountsSinceAsync(TenantId, clock.GetUtcNow().AddHours(-1), ct);
        Queues = await jobs.StatsAsync(TenantId, ct);
    }
}
