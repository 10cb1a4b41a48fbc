using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>One cell of `analytics_hourly`: a tenant's notifications of one group that reached a status in a UTC hour.</summary>
public readonly record struct AnalyticsCell(Guid TenantId, DateTimeOffset Hour, string Dimension, string Key, string Status);

/// <summary>
/// Counts committed status changes per hour and channel in memory (a ledger observer: after commit, off the writer's
/// path); <see cref="AnalyticsFlusher"/> adds them to PostgreSQL every few seconds. Like usage, a crash loses at most one
/// interval of one replica's counts: analytics is a report, the notifications themselves stay exact.
/// </summary>
public sealed class AnalyticsCounter(TimeProvider clock) : INotificationObserver
{
    /// <summary>The funnel's steps and its two ends that are not delivery (`seen` counts as read on the page).</summary>
    public static readonly string[] Funnel =
    [
        NotificationStatuses.Accepted, NotificationStatuses.Sent, NotificationStatuses.Delivered, NotificationStatuses.Opened,
        NotificationStatuses.Read, NotificationStatuses.Clicked, NotificationStatuses.Failed, NotificationStatuses.Suppressed,
    ];

    private static readonly HashSet<string> Counted = [.. Funnel];
    private readonly Lock _gate = new();
    private Dictionary<AnalyticsCell, long> _pending = [];

    public bool Wants(string status) => Counted.Contains(status);

    public void OnAccepted(IReadOnlyList<NotificationDraft> accepted)
    {
        var hour = HourOf(clock.GetUtcNow());
        lock (_gate)
            foreach (var d in accepted) Add(new AnalyticsCell(d.TenantId, hour, "channel", d.Channel, NotificationStatuses.Accepted));
    }

    public void OnChanged(IReadOnlyList<StatusChange> changes)
    {
        lock (_gate)
            foreach (var c in changes) Add(new AnalyticsCell(c.TenantId, HourOf(c.At), "channel", c.Channel, c.Status));
    }

    public static DateTimeOffset HourOf(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    private void Add(AnalyticsCell cell, long n = 1) => _pending[cell] = _pending.GetValueOrDefault(cell) + n;

    /// <summary>Takes what was counted since the last call (the next changes go to a fresh map).</summary>
    public IReadOnlyDictionary<AnalyticsCell, long> Drain()
    {
        lock (_gate)
        {
            var taken = _pending;
            _pending = [];
            return taken;
        }
    }

    /// <summary>Puts back counts a failed flush could not write, so the next flush carries them.</summary>
    public void Restore(IReadOnlyDictionary<AnalyticsCell, long> counts)
    {
        lock (_gate)
            foreach (var (cell, n) in counts) Add(cell, n);
    }
}
