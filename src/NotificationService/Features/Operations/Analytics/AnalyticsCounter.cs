using System.Text.Json.Nodes;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>A notification's place in the rollup's grouping: what `analytics_hourly` keys a count by besides tenant, hour,
/// status and reason.</summary>
public readonly record struct AnalyticsDimensions(string Channel, string Template, string Workflow, string Category, string Provider);

/// <summary>
/// One committed status change as the rollup needs it: which notification reached what, in which UTC hour, and why. Where
/// the change's writer knew the notification's dimensions (<see cref="Dimensions"/>) it is counted under them directly
/// (<see cref="NotificationId"/> empty, so a cell is one key); otherwise the flush reads them by the notification's key.
/// </summary>
public readonly record struct AnalyticsEvent(Guid TenantId, Guid NotificationId, DateTimeOffset Hour, string Status, string Reason,
    AnalyticsDimensions? Dimensions = null);

/// <summary>
/// Collects committed status changes in memory (a ledger observer, as usage is: after commit, never on the writer's
/// transaction); <see cref="AnalyticsFlusher"/> moves them to `analytics_hourly` every few seconds. A delivery outcome
/// carries its notification's dimensions (the worker read them when it claimed the notification), so the worker's changes
/// add to their cell at once; the others (accepts, callbacks, reads) are read by key at the flush, once per batch. A crash
/// loses at most one interval of this replica's events. A workflow test run's sends went to the sandbox, not to the
/// tenant's recipients: they are not counted.
/// </summary>
public sealed class AnalyticsCounter(TimeProvider clock) : RollupCounts<AnalyticsEvent>, INotificationObserver
{
    /// <summary>The funnel's steps and its side branches; `queued` and `sending` are the service's own steps.</summary>
    private static readonly HashSet<string> Counted =
        [.. NotificationStatuses.All.Except([NotificationStatuses.Queued, NotificationStatuses.Sending])];

    public bool Wants(string status) => Counted.Contains(status);

    public void OnAccepted(IReadOnlyList<NotificationDraft> accepted)
    {
        var hour = Hour(clock.GetUtcNow());
        using (Counts.Locked())
            foreach (var d in accepted)
                if (!IsTestRun(d.Metadata)) Counts.Add(new(d.TenantId, d.Id, hour, NotificationStatuses.Accepted, ""), 1);
    }

    // Counted, not listed: a notification reaching one status twice in an hour (requeued, failed again) is one key.
    public void OnChanged(IReadOnlyList<StatusChange> changes)
    {
        using (Counts.Locked())
            foreach (var c in changes)
            {
                if (IsTestRun(c.Metadata)) continue;
                var known = Known(c);
                Counts.Add(new(c.TenantId, known is null ? c.NotificationId : Guid.Empty, Hour(c.At), c.Status, ReasonOf(c), known), 1);
            }
    }

    /// <summary>As the flush's statement reads them: the metadata key, whatever its value, marks a test run.</summary>
    private static bool IsTestRun(JsonObject? metadata) => metadata?.ContainsKey(SendValidator.TestRunMetadata) == true;

    /// <summary>
    /// The change's dimensions where its writer knew them, with the workflow as `metadata->>'workflow'` reads it; null where
    /// the writer did not, or the workflow is not plain text (the flush's statement then reads it as PostgreSQL prints it).
    /// </summary>
    private static AnalyticsDimensions? Known(StatusChange c)
    {
        if (c.Dimensions is not { } d) return null;
        var workflow = "";
        if (c.Metadata is { } m && m.TryGetPropertyValue("workflow", out var w) && w is not null)
            if (w is JsonValue v && v.TryGetValue<string>(out var text)) workflow = text;
            else return null;
        return new(c.Channel, d.TemplateKey ?? "", workflow, d.Category ?? "", d.ProviderKind ?? "");
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
