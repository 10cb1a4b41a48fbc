using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>One committed status change as the rollup needs it: which notification reached what, in which UTC hour, and why.</summary>
public readonly record struct AnalyticsEvent(Guid TenantId, Guid NotificationId, DateTimeOffset Hour, string Status, string Reason);

/// <summary>
/// Collects committed status changes in memory (a ledger observer, as usage is: after commit, never on the writer's
/// transaction); <see cref="AnalyticsFlusher"/> moves them to `analytics_hourly` every few seconds. The template, workflow,
/// category and provider are read from each notification by key at the flush, once per batch, so the ledger's statements
/// and <see cref="StatusChange"/> stay as they are. A crash loses at most one interval of this replica's events.
/// </summary>
public sealed class AnalyticsCounter(TimeProvider clock) : RollupCounts<AnalyticsEvent>, INotificationObserver
{
    /// <summary>The funnel's steps and its side branches; `queued` and `sending` are the service's own steps.</summary>
    private static readonly HashSet<string> Counted = [.. NotificationStatuses.All.Except([NotificationStatuses.Queued, NotificationStatuses.Sending])];

    public bool Wants(string status) => Counted.Contains(status);

    public void OnAccepted(IReadOnlyList<NotificationDraft> accepted)
    {
        var hour = Hour(clock.GetUtcNow());
        using (Counts.Locked())
            foreach (var d in accepted) Counts.Add(new(d.TenantId, d.Id, hour, NotificationStatuses.Accepted, ""), 1);
    }

    // Counted, not listed: a notification reaching one status twice in an hour (requeued, failed again) is one key.
    public void OnChanged(IReadOnlyList<StatusChange> changes)
    {
        using (Counts.Locked())
            foreach (var c in changes) Counts.Add(new(c.TenantId, c.NotificationId, Hour(c.At), c.Status, ReasonOf(c)), 1);
    }

    public static DateTimeOffset Hour(DateTimeOffset at) => new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);

    /// <summary>
    /// Why a notification ended where it did, kept bounded and free of a person's data: a detail reads "code: provider's
    /// words" or "recipient suppressed: bounce", so the reason is what comes before the provider's words (its first
    /// two colon-separated parts at most for a suppression, the first for the rest), never an address or a provider's text.
    /// </summary>
    public static string ReasonOf(StatusChange c)
    {
        if (!NotificationStatuses.IsTerminal(c.Status) || (c.Detail ?? c.Error) is not { Length: > 0 } text) return "";
        var parts = text.Split(':', 3, StringSplitOptions.TrimEntries);
        var reason = c.Status == NotificationStatuses.Suppressed && parts.Length > 1 && parts[0] == "recipient suppressed"
            ? $"{parts[0]}: {parts[1]}" : parts[0];
        var bracket = reason.IndexOf(" [", StringComparison.Ordinal);
        if (bracket >= 0) reason = reason[..bracket];
        return reason.Length <= 60 ? reason : reason[..60];
    }
}
