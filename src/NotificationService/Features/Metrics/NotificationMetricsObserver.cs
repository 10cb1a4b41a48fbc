using NotificationService.Contracts;
using NotificationService.Features.Notifications;

namespace NotificationService.Features.Metrics;

/// <summary>
/// Feeds the notification series from the ledger once changes commit: `notifications_accepted_total{channel}` counts
/// what the ledger accepted (a rolled-back write is not counted). `notifications_accept_to_sent_seconds` is not fed:
/// a <see cref="StatusChange"/> carries neither the notification's priority nor when it was accepted.
/// </summary>
public sealed class NotificationMetricsObserver(ServiceMeter metrics) : INotificationObserver
{
    public bool Wants(string status) => status == NotificationStatuses.Accepted;

    public void OnAccepted(IReadOnlyList<NotificationDraft> accepted)
    {
        if (accepted.Count == 0) return;
        if (accepted.All(d => d.Channel == accepted[0].Channel)) { metrics.Accepted(accepted[0].Channel, accepted.Count); return; }
        foreach (var channel in accepted.GroupBy(d => d.Channel)) metrics.Accepted(channel.Key, channel.Count());
    }
}
