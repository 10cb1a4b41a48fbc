using NotificationService.Contracts;
using static NotificationService.Contracts.NotificationStatuses;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>A status someone outside reported for a notification (a provider callback), by our id or the provider's message id.</summary>
public sealed record ReportedStatus(Guid? NotificationId, string? ProviderMessageId, string? Status, string? Detail, string? Error,
    DateTimeOffset? At);

/// <summary>
/// Forward-only notification statuses. accepted → queued → sending → sent → delivered → read
/// (opened → clicked for email; seen → read → clicked for in_app); failed, suppressed, skipped, cancelled and expired are terminal.
/// Providers deliver callbacks out of order and more than once, so a transition applies only when it
/// moves forward: a late `sent` never overwrites `delivered`, a duplicate changes nothing.
/// </summary>
public static class StatusMachine
{
    public static int Rank(string status) => status switch
    {
        Accepted => 0, Queued => 1, NotificationStatuses.Sending => 2, Sent => 3, Delivered => 4,
        Seen => 5, Read or Opened => 6, Clicked => 7,
        _ => -1,
    };

    public static bool IsTerminal(string status) => NotificationStatuses.IsTerminal(status);

    /// <summary>
    /// The statuses to record, in order, when <paramref name="next"/> is reported for a notification in
    /// <paramref name="current"/>; empty when nothing changes. Engagement (seen/read/opened/clicked) implies
    /// delivery, so a missing `delivered` is recorded first. A failure after delivery (a late bounce of a
    /// message already reported delivered) is ignored: delivered is what the recipient saw.
    /// </summary>
    public static IReadOnlyList<string> Steps(string current, string next)
    {
        if (IsTerminal(current)) return [];
        var from = Rank(current);
        if (IsTerminal(next)) return from < Rank(Delivered) ? [next] : [];
        var to = Rank(next);
        if (to < 0 || to <= from) return [];
        return to > Rank(Delivered) && from < Rank(Delivered) ? [Delivered, next] : [next];
    }

    public sealed record Step(string Status, string PreviousStatus, string? Detail, string? Error);

    /// <summary>Applies reports (already in the reporter's time order) to one notification; returns every step taken.</summary>
    public static IReadOnlyList<Step> Fold(string current, IEnumerable<ReportedStatus> reports)
    {
        var steps = new List<Step>();
        foreach (var e in reports)
        {
            if (e.Status is null) continue;
            foreach (var s in Steps(current, e.Status))
            {
                var implied = s != e.Status;
                steps.Add(new Step(s, current, implied ? $"implied by {e.Status}" : e.Detail, implied ? null : e.Error));
                current = s;
            }
        }
        return steps;
    }
}
