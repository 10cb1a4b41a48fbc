using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Operations.Usage;

/// <summary>One cell of the usage table: a tenant's notifications on a channel that reached a status on a UTC day.</summary>
public readonly record struct UsageKey(Guid TenantId, DateOnly Day, string Channel, string Status);

/// <summary>
/// Counts committed status changes in memory (a ledger observer: after commit, never blocking the writer);
/// <see cref="UsageFlusher"/> moves the counts to PostgreSQL every few seconds. A crash loses at most one interval of
/// counts of that replica: usage is a report, not the ledger (the notifications themselves are exact).
/// </summary>
public sealed class UsageCounter(TimeProvider clock) : INotificationObserver
{
    /// <summary>The statuses a tenant is billed or reports on; `queued` and `sending` are the service's own steps.</summary>
    private static readonly HashSet<string> Counted =
        [.. NotificationStatuses.All.Except([NotificationStatuses.Queued, NotificationStatuses.Sending])];

    private readonly PendingCounts<UsageKey> _counts = new();

    public bool Wants(string status) => Counted.Contains(status);

    public void OnAccepted(IReadOnlyList<NotificationDraft> accepted)
    {
        var day = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        using (_counts.Locked())
        {
            // Counted by runs of one tenant and channel (a batch, a fan-out's chunk): one map update per run, not per draft.
            var run = 0;
            for (var i = 0; i < accepted.Count; i++)
            {
                run++;
                if (i + 1 < accepted.Count && accepted[i + 1].TenantId == accepted[i].TenantId
                    && accepted[i + 1].Channel == accepted[i].Channel)
                    continue;
                _counts.Add(new UsageKey(accepted[i].TenantId, day, accepted[i].Channel, NotificationStatuses.Accepted), run);
                run = 0;
            }
        }
    }

    public void OnChanged(IReadOnlyList<StatusChange> changes)
    {
        using (_counts.Locked())
            foreach (var c in changes)
                _counts.Add(new UsageKey(c.TenantId, DateOnly.FromDateTime(c.At.UtcDateTime), c.Channel, c.Status), 1);
    }

    /// <summary>Takes what was counted since the last call.</summary>
    public IReadOnlyDictionary<UsageKey, long> Drain() => _counts.Drain();

    /// <summary>Puts back counts a failed flush could not write.</summary>
    public void Restore(IReadOnlyDictionary<UsageKey, long> counts) => _counts.Restore(counts);
}
