using System.Collections.Concurrent;
using NotificationService.Contracts;
using NotificationService.Features.Notifications;

namespace NotificationService.Features.Usage;

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

    private ConcurrentDictionary<UsageKey, long> _pending = new();

    public bool Wants(string status) => Counted.Contains(status);

    public void OnAccepted(IReadOnlyList<NotificationDraft> accepted)
    {
        var day = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        foreach (var d in accepted) Add(new UsageKey(d.TenantId, day, d.Channel, NotificationStatuses.Accepted));
    }

    public void OnChanged(IReadOnlyList<StatusChange> changes)
    {
        foreach (var c in changes) Add(new UsageKey(c.TenantId, DateOnly.FromDateTime(c.At.UtcDateTime), c.Channel, c.Status));
    }

    private void Add(UsageKey key) => _pending.AddOrUpdate(key, 1, (_, n) => n + 1);

    /// <summary>Takes what was counted since the last call (the next changes go to a fresh map).</summary>
    public IReadOnlyDictionary<UsageKey, long> Drain() => Interlocked.Exchange(ref _pending, new ConcurrentDictionary<UsageKey, long>());

    /// <summary>Puts back counts a failed flush could not write, so the next flush carries them.</summary>
    public void Restore(IReadOnlyDictionary<UsageKey, long> counts)
    {
        foreach (var (key, n) in counts) _pending.AddOrUpdate(key, n, (_, m) => m + n);
    }
}
