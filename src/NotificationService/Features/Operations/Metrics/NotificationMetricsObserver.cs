using NotificationService.Infrastructure;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;

namespace NotificationService.Features.Operations.Metrics;

/// <summary>
/// Feeds the notification series from the ledger once changes commit (a rolled-back write is not counted):
/// `notifications_accepted_total{channel}` from what the ledger accepted, and
/// `notifications_accept_to_sent_seconds{channel,priority}` from each worker move to `sent` — accepted at the
/// notification id's UUIDv7 time, sent at the change's time (a scheduled send includes its wait); and
/// `notifications_finished_total{channel,outcome}` once per notification, when it leaves the pipeline: `sent`, or a
/// terminal status reached before it was sent (a failure reported after `sent` is not a second outcome).
/// </summary>
public sealed class NotificationMetricsObserver(ServiceMeter metrics) : INotificationObserver
{
    private static readonly string[] PriorityNames = ["high", "normal", "low"];

    public bool Wants(string status) =>
        status is NotificationStatuses.Accepted or NotificationStatuses.Sent || NotificationStatuses.IsTerminal(status);

    public void OnAccepted(IReadOnlyList<NotificationDraft> accepted)
    {
        if (accepted.Count == 0) return;
        if (accepted.All(d => d.Channel == accepted[0].Channel)) { metrics.Accepted(accepted[0].Channel, accepted.Count); return; }
        foreach (var channel in accepted.GroupBy(d => d.Channel)) metrics.Accepted(channel.Key, channel.Count());
    }

    public void OnChanged(IReadOnlyList<StatusChange> changes)
    {
        foreach (var c in changes)
        {
            if (c.PreviousStatus is null || NotificationStatuses.InFlight.Contains(c.PreviousStatus)) metrics.Finished(c.Channel, c.Status);
            if (c.Status != NotificationStatuses.Sent || c.Priority is not { } priority) continue;
            var latency = c.At - c.AcceptedAt;
            metrics.Sent(c.Channel, PriorityNames[(int)priority], latency < TimeSpan.Zero ? TimeSpan.Zero : latency);
        }
    }
}
