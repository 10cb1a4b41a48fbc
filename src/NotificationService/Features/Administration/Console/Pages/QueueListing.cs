using NotificationService.Queue;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// Every queue this service works (the channels', bulk, webhooks: each feature registers its <see cref="WorkQueue"/>),
/// with zero counts for an empty one, plus any queue that only the database knows of (jobs left by an older version).
/// A page that listed only queues holding jobs hid the bulk and webhook queues until something failed there.
/// </summary>
public static class QueueListing
{
    public static IReadOnlyList<QueueStats> All(IEnumerable<WorkQueue> registered, IReadOnlyList<QueueStats> stats)
    {
        var byName = stats.ToDictionary(s => s.Queue);
        return registered.Select(q => q.Name).Concat(byName.Keys).Distinct()
            .Select(q => byName.GetValueOrDefault(q) ?? new QueueStats(q, 0, 0, 0, 0, null))
            .ToList();
    }
}
