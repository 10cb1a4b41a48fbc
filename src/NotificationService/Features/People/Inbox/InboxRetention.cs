using NotificationService.Contracts;

namespace NotificationService.Features.People.Inbox;

/// <summary>
/// Stream events are kept `Retention:InboxEvents:Days` (2 by default), the replay window: a reconnect whose
/// Last-Event-ID is older gets a `reset` event. Any value of at least 1 keeps the promised 24 hours.
/// </summary>
public sealed class InboxEventRetention(InboxStore store) : IRetainedData
{
    public string Kind => "InboxEvents";

    public int DefaultDays => 2;

    public Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct) => store.PurgeEventsAsync(olderThan, limit, ct);
}
