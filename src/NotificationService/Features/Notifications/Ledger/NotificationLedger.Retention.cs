using NotificationService.Contracts;

namespace NotificationService.Features.Notifications;

public sealed partial class NotificationLedger
{
    /// <summary>
    /// Deletes up to <paramref name="limit"/> notifications accepted before <paramref name="olderThan"/>, with their
    /// history, in one statement. Ids are UUIDv7, so "accepted before" is a range of the primary key: each batch walks
    /// the oldest ids and locks only the rows it deletes. Kept: notifications still in flight (a send scheduled far
    /// ahead) and in-app ones, which are a user's inbox and expire with it.
    /// </summary>
    public async Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql.Purge);
        cmd.Parameters.AddWithValue(Uuid7.Floor(olderThan));
        cmd.Parameters.AddWithValue(limit);
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}

/// <summary>Notifications and their history expire after `Retention:Notifications:Days` (90 by default).</summary>
public sealed class NotificationRetention(NotificationLedger ledger) : IRetainedData
{
    public string Kind => "Notifications";

    public int DefaultDays => 90;

    public Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct) => ledger.PurgeAsync(olderThan, limit, ct);
}
