using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Contracts;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>
/// What one delivery attempt did to a claimed notification: its new status (null: it stays `sending`, a retry or a
/// postponement follows), the history entry, and the provider that decided it. <paramref name="TraceParent"/>: the trace
/// its status change continues (the webhook jobs it enqueues), where that is not the recording code's current activity.
/// </summary>
public sealed record AttemptOutcome(ClaimedNotification Notification, string? NewStatus, string EventStatus, string? Detail, string? Error,
    Guid? ProviderId, string? ProviderKind, string? ProviderMessageId, string? TraceParent = null);

public sealed partial class NotificationLedger
{
    /// <summary>
    /// queued/sending → sending, and what the worker needs to send them. Anything else (cancelled, or already sent by a
    /// worker that died before acknowledging its job) is left out, which bounds duplicates after a crash. The attempt's
    /// history row is written with its outcome (<see cref="RecordAttemptsAsync"/>): one row per attempt, not two.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, ClaimedNotification>> BeginSendingAsync(IReadOnlyList<Guid> ids, CancellationToken ct)
    {
        var claimed = new Dictionary<Guid, ClaimedNotification>(ids.Count);
        if (ids.Count == 0) return claimed;
        var inTransaction = SubscribedInTransaction(NotificationStatuses.Sending);
        await using var tx = inTransaction ? await BeginAsync(ct) : null;
        await using var conn = tx is null ? await db.OpenConnectionAsync(ct) : null;
        await using (var cmd = tx?.Command(Sql.BeginSending) ?? new NpgsqlCommand(Sql.BeginSending, conn))
        {
            cmd.Parameters.AddWithValue(ids.ToArray());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
                var n = new ClaimedNotification(r.GetGuid(0), r.GetGuid(1), r.GetString(2), StoredRecipient.Parse(r.GetString(3)),
                    r.IsDBNull(4) ? null : r.GetGuid(4), S(5), StoredContent.Parse(S(6)),
                    S(7) is { } d ? JsonNode.Parse(d) as JsonObject : null, S(8), S(9) is { } m ? JsonNode.Parse(m) as JsonObject : null,
                    r.GetInt32(10), r.GetFieldValue<DateTimeOffset>(11), (JobPriority)r.GetInt16(12), r.GetBoolean(13), S(14));
                claimed[n.Id] = n;
            }
        }
        if (!inTransaction && !_observers.Any(o => o.Wants(NotificationStatuses.Sending))) return claimed;

        var changes = claimed.Values.Select(n => new StatusChange(n.Id, n.TenantId, n.Channel, NotificationStatuses.Sending, null, "worker",
            $"attempt {n.Attempts}", null, n.ClaimedAt, n.Recipient, n.Metadata)).ToList();
        if (tx is null) { PublishCommitted(changes); return claimed; }
        await PublishAsync(tx, changes, ct);
        await tx.CommitAsync(ct);
        return claimed;
    }

    /// <summary>
    /// Every outcome of a batch in one statement; a status only moves on from `sending`. Subscribers (webhook deliveries)
    /// write in the same transaction.
    /// </summary>
    public async Task RecordAttemptsAsync(IReadOnlyList<AttemptOutcome> outcomes, CancellationToken ct)
    {
        if (outcomes.Count == 0) return;
        await using var tx = await BeginAsync(ct);
        await using var cmd = tx.Command(Sql.RecordAttempts);
        var p = cmd.Parameters;
        p.AddWithValue(outcomes.Select(o => o.Notification.Id).ToArray());
        p.AddWithValue(outcomes.Select(o => o.NewStatus).ToArray());
        p.AddWithValue(outcomes.Select(o => o.EventStatus).ToArray());
        p.AddWithValue(outcomes.Select(o => o.Detail).ToArray());
        p.AddWithValue(outcomes.Select(o => o.Error).ToArray());
        p.AddWithValue(outcomes.Select(o => o.ProviderId).ToArray());
        p.AddWithValue(outcomes.Select(o => o.ProviderKind).ToArray());
        p.AddWithValue(outcomes.Select(o => o.ProviderMessageId).ToArray());
        p.AddWithValue(outcomes.Select(o => o.Notification.ClaimedAt).ToArray());
        p.AddWithValue(outcomes.Select(o => DeliveredAddress(o.Notification)).ToArray());
        var changed = new HashSet<Guid>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) changed.Add(r.GetGuid(0));

        var now = DateTimeOffset.UtcNow;
        var changes = outcomes.Where(o => o.NewStatus is not null && changed.Contains(o.Notification.Id)).Select(o =>
        {
            var n = o.Notification;
            return new StatusChange(n.Id, n.TenantId, n.Channel, o.NewStatus!, NotificationStatuses.Sending, "worker", o.Detail, o.Error,
                now, n.Recipient, n.Metadata, n.Priority, o.TraceParent, DimensionsAfter(o));
        }).ToList();
        await PublishAsync(tx, changes, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// The row's dimensions after <see cref="Sql.RecordAttempts"/>, which keeps the stored provider where the outcome names
    /// none: unknown here then (null), and the rollup reads them by key.
    /// </summary>
    private static NotificationDimensions? DimensionsAfter(AttemptOutcome o) =>
        o.ProviderKind is null ? null : new(o.Notification.TemplateKey, o.Notification.Category, o.ProviderKind);

    /// <summary>
    /// The address a send by userId went to, for the statement to keep when the send named none (its profile's). A send
    /// without a userId named its address, which the statement would not keep: nothing is normalized for it.
    /// </summary>
    private static string? DeliveredAddress(ClaimedNotification n) =>
        n.Recipient.UserId is not null && Addresses.Suppressible(n.Channel)
            ? Addresses.Of(n.Channel, n.Recipient.Email, n.Recipient.Phone) : null;

    /// <summary>
    /// The queue set aside the delivery jobs of <paramref name="notifications"/> without an outcome (their handling stopped
    /// the worker, or the worker died on their last attempt), leaving them `sending`: those still queued or sending end
    /// `failed` with the queue's reason, visible in their history, last error and `notification.failed` webhook. Returns
    /// how many changed.
    /// </summary>
    public async Task<int> FailSetAsideAsync(LedgerTransaction tx, IReadOnlyList<(Guid TenantId, Guid Id, string Reason)> notifications,
        CancellationToken ct)
    {
        if (notifications.Count == 0) return 0;
        var changes = new List<StatusChange>();
        await using (var cmd = tx.Command(Sql.FailSetAside))
        {
            cmd.Parameters.AddWithValue(notifications.Select(n => n.TenantId).ToArray());
            cmd.Parameters.AddWithValue(notifications.Select(n => n.Id).ToArray());
            cmd.Parameters.AddWithValue(notifications.Select(n => n.Reason).ToArray());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var now = DateTimeOffset.UtcNow;
            while (await r.ReadAsync(ct))
                changes.Add(new StatusChange(r.GetGuid(0), r.GetGuid(1), r.GetString(2), NotificationStatuses.Failed, r.GetString(3),
                    "system", r.GetString(4), r.GetString(4), now, StoredRecipient.Parse(r.GetString(5)),
                    r.IsDBNull(6) ? null : JsonNode.Parse(r.GetString(6)) as JsonObject));
        }
        await PublishAsync(tx, changes, ct);
        return changes.Count;
    }
}
