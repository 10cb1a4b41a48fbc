using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;

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
    private static readonly HashSet<string> Counted = [.. NotificationStatuses.All.Except([NotificationStatuses.Queued, NotificationStatuses.Sending])];

    private readonly Lock _gate = new();
    private Dictionary<UsageKey, long> _pending = [];

    public bool Wants(string status) => Counted.Contains(status);

    // One lock per committed batch (not per notification): a drain can never miss a count added while it swaps.
    public void OnAccepted(IReadOnlyList<NotificationDraft> accepted)
    {
        var day = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        lock (_gate)
        {
            // Counted by runs of one tenant and channel (a batch, a fan-out's chunk): one map update per run, not per draft.
            var run = 0;
            for (var i = 0; i < accepted.Count; i++)
            {
                run++;
                if (i + 1 < accepted.Count && accepted[i + 1].TenantId == accepted[i].TenantId && accepted[i + 1].Channel == accepted[i].Channel) continue;
                Add(new UsageKey(accepted[i].TenantId, day, accepted[i].Channel, NotificationStatuses.Accepted), run);
                run = 0;
            }
        }
    }

    public void OnChanged(IReadOnlyList<StatusChange> changes)
    {
        lock (_gate)
            foreach (var c in changes) Add(new UsageKey(c.TenantId, DateOnly.FromDateTime(c.At.UtcDateTime), c.Channel, c.Status), 1);
    }

    private void Add(UsageKey key, long n) => _pending[key] = _pending.GetValueOrDefault(key) + n;

    /// <summary>Takes what was counted since the last call (the next changes go to a fresh map).</summary>
    public IReadOnlyDictionary<UsageKey, long> Drain()
    {
        lock (_gate)
        {
            var taken = _pending;
            _pending = [];
            return taken;
        }
    }

    /// <summary>Puts back counts a failed flush could not write, so the next flush carries them.</summary>
    public void Restore(IReadOnlyDictionary<UsageKey, long> counts)
    {
        lock (_gate)
            foreach (var (key, n) in counts) Add(key, n);
    }
}
