using Npgsql;
using NotificationService.Contracts;

namespace NotificationService.Features.Automation.Digests;

/// <summary>
/// Closed digest windows are kept `Retention:DigestWindows:Days` (120) after they closed: the run that carries one reads its
/// digest until it ends, and a run can still be in a 90-day delay and a 30-day wait after its digest step. Throttle windows
/// that ended that long ago go too (a key's next run makes a new one).
/// </summary>
public sealed class DigestWindowRetention(NpgsqlDataSource db) : IRetainedData
{
    public string Kind => "DigestWindows";
    public int DefaultDays => 120;

    public async Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await DigestStore.PurgeClosedAsync(conn, olderThan, limit, ct)
            + await ThrottleStore.PurgeEndedAsync(conn, olderThan, limit, ct);
    }
}
