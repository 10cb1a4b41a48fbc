using NotificationService.Contracts;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>Which notifications an erase takes: those naming the userId, or (address-only sends) one of the person's addresses.</summary>
public enum EraseMatch { UserId, Email, Phone }

/// <summary>A notification an erase has emptied: what it kept (id, channel) and whether it was still in flight (now `cancelled`).
/// <paramref name="JobId"/>: the delivery job that held it, when it was in flight.</summary>
public sealed record ErasedNotification(Guid Id, string Channel, string PreviousStatus, long? JobId)
{
    public bool WasInFlight =>
        PreviousStatus is NotificationStatuses.Accepted or NotificationStatuses.Queued or NotificationStatuses.Sending;
}

public sealed partial class NotificationLedger
{
    /// <summary>
    /// Erase (GDPR Art. 17), one small batch in the caller's transaction: the next <paramref name="limit"/> notifications of
    /// the person after <paramref name="after"/> (id order), locked, lose their recipient, data, inline content and metadata;
    /// a last error or history detail that mentions one of <paramref name="values"/> (lower-cased) becomes `[erased]`. Ids,
    /// channels, statuses, attempts, providers and times stay, so usage and audit stay true. One still in flight ends
    /// `cancelled` (history source `system`, detail `erased`) and is published like any change (webhook, usage, metrics),
    /// with the emptied recipient. An erased row no longer matches, so running a batch again finds the rest.
    /// </summary>
    public async Task<IReadOnlyList<ErasedNotification>> EraseNextAsync(LedgerTransaction tx, Guid tenantId, EraseMatch match,
        string[] keys, Guid? after, int limit, string[] values, CancellationToken ct)
    {
        var erased = new List<ErasedNotification>();
        await using (var cmd = tx.Command(
            match switch { EraseMatch.UserId => Sql.EraseByUser, EraseMatch.Email => Sql.EraseByEmail, _ => Sql.EraseByPhone }))
        {
            cmd.Parameters.AddWithValue(tenantId);
            if (match == EraseMatch.UserId) cmd.Parameters.AddWithValue(keys[0]);
            else cmd.Parameters.AddWithValue(keys);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Uuid, (object?)after ?? DBNull.Value);
            cmd.Parameters.AddWithValue(limit);
            cmd.Parameters.AddWithValue(values);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                erased.Add(new ErasedNotification(r.GetGuid(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetInt64(3)));
        }
        var now = DateTimeOffset.UtcNow;
        var nobody = new StoredRecipient(null, null, null, null);
        await PublishAsync(tx, erased.Where(e => e.WasInFlight).Select(e => new StatusChange(e.Id, tenantId, e.Channel,
            NotificationStatuses.Cancelled, e.PreviousStatus, "system", ErasedReason, ErasedReason, now, nobody, null)).ToList(), ct);
        return erased.OrderBy(e => e.Id).ToList();
    }

    /// <summary>Why an erased notification that was still in flight was cancelled (its history detail and last error).</summary>
    public const string ErasedReason = "erased";
}
