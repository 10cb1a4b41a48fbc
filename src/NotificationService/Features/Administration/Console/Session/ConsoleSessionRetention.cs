using NotificationService.Contracts;

namespace NotificationService.Features.Administration.Console.Session;

/// <summary>
/// Console sessions that expired more than `Retention:ConsoleSessions:Days` ago (1 by default) are deleted by their
/// store. An expired session signs nobody in from the moment it expires; the day only keeps a just-expired row around
/// while someone may be looking at why a sign-in ended.
/// </summary>
public sealed class ConsoleSessionRetention(ConsoleSessionStore sessions) : IRetainedData
{
    public string Kind => "ConsoleSessions";

    public int DefaultDays => 1;

    public Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct) =>
        sessions.PurgeExpiredAsync(olderThan, limit, ct);
}
