using NotificationService.Contracts;
using NotificationService.Features.People.Inbox;

namespace NotificationService.Features.Sending.Notifications;

public sealed partial class NotificationLedger
{
    /// <summary>
    /// Deletes up to <paramref name="limit"/> notifications accepted before <paramref name="olderThan"/>, with their
    /// history, in one statement. Ids are UUIDv7, so "accepted before" is a range of the primary key: each batch walks
    /// the oldest ids and locks only the rows it deletes. Kept: notifications still in flight (a send scheduled far
    /// ahead) and in-app ones that reached an inbox (they go with their item, <see cref="PurgeInAppAsync"/>); in-app
    /// ones that failed, were suppressed or cancelled never made an item and go here.
    /// </summary>
    public async Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql.Purge);
        cmd.Parameters.AddWithValue(Uuid7.Floor(olderThan));
        cmd.Parameters.AddWithValue(limit);
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Deletes the in-app notifications of <paramref name="ids"/> (not in flight) with their history; returns how many.</summary>
    public async Task<int> PurgeInAppAsync(Guid[] ids, CancellationToken ct)
    {
        if (ids.Length == 0) return 0;
        await using var cmd = db.CreateCommand(Sql.PurgeInApp);
        cmd.Parameters.AddWithValue(ids);
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

/// <summary>
/// Inbox items a user deleted, or that expired, are kept `Retention:InboxItems:Days` (30 by default) after they left
/// the inbox; then the item and its in-app notification go together: the inbox names them, the ledger deletes the
/// notification with its history and the item follows by cascade, in one statement. Gone items no longer count
/// anywhere (counters cover only live rows), so this touches no counter and sends no stream event. A live item keeps
/// its notification (it is the user's inbox), whatever `Retention:Notifications:Days` says.
/// </summary>
public sealed class InAppRetention(InboxStore inbox, NotificationLedger ledger) : IRetainedData
{
    public string Kind => "InboxItems";

    public int DefaultDays => 30;

    public async Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct) =>
        await ledger.PurgeInAppAsync(await inbox.GoneItemsAsync(olderThan, limit, ct), ct);
}
