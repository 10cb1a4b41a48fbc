using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>
/// Which of a flush's accepts may wait for their notification's provider (<see cref="AnalyticsFlusher.ProviderWait"/>), and
/// which of those the flush reads again. An accept is read at the first flush after it; one still waiting comes back to the
/// counter, and later flushes read at most <paramref name="Rereads"/> of those again, the oldest first (a queue delivers
/// the oldest first, so they are the likeliest to have their provider by now); the rest are kept unread. Read again at every
/// flush, a backlog's 10,000 waiting accepts were 10,000 key reads every 2 s in a replica whose worker was elsewhere.
/// </summary>
/// <param name="Since">Accepts from here on may wait; older ones are filed as they stand.</param>
/// <param name="LastRead">When the previous flush read its accepts: one accepted before then has been read at least once.</param>
public sealed record AcceptWait(DateTimeOffset Since, DateTimeOffset LastRead, int Rereads = AcceptWait.MaxRereads)
{
    /// <summary>The most accepts kept waiting (about 130 bytes of memory each); beyond it an accept is filed as it stands.</summary>
    public const int MaxWaiting = 10_000;

    /// <summary>The most waiting accepts one flush reads again.</summary>
    public const int MaxRereads = 1_000;

    /// <summary>
    /// The counts the flush reads by key (<see cref="CountOfNotification.MayWait"/> set on accepts that may wait), and the
    /// waiting accepts it keeps unread for a later flush. <paramref name="wait"/> null (the last flush): nothing waits.
    /// </summary>
    public static (List<CountOfNotification> Read, Dictionary<AnalyticsEvent, long> Unread) Plan(
        IEnumerable<KeyValuePair<AnalyticsEvent, long>> byKey, AcceptWait? wait)
    {
        var read = new List<CountOfNotification>();
        var again = new List<(DateTimeOffset At, AnalyticsEvent Event, long Count)>();
        var kept = 0;
        foreach (var (e, n) in byKey)
        {
            var at = Uuid7.Timestamp(e.NotificationId);
            var mayWait = wait is not null && e.Status == NotificationStatuses.Accepted && at >= wait.Since && kept < MaxWaiting;
            if (mayWait) kept++;
            if (mayWait && at < wait!.LastRead) again.Add((at, e, n));
            else read.Add(Read(e, n, mayWait));
        }
        var unread = new Dictionary<AnalyticsEvent, long>();
        foreach (var (i, (_, e, n)) in again.OrderBy(a => a.At).Index())
            if (i < wait!.Rereads) read.Add(Read(e, n, mayWait: true));
            else unread[e] = n;
        return (read, unread);
    }

    private static CountOfNotification Read(AnalyticsEvent e, long n, bool mayWait) =>
        new(e.TenantId, e.NotificationId, e.Hour, e.Status, e.Reason, n, mayWait);
}
