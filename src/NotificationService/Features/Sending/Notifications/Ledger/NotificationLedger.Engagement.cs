using System.Text.Json.Nodes;
using Npgsql;

namespace NotificationService.Features.Sending.Notifications;

public sealed partial class NotificationLedger
{
    /// <summary>What a user did to an item that moves no status: a history row,
    /// never a step back (an unread after read stays read).</summary>
    private static readonly HashSet<string> HistoryOnly = ["unread", "archived", "unarchived"];

    /// <summary>
    /// What a user did to in_app notifications in the inbox, in the inbox's own transaction (so the item and its
    /// notification change together), set-based whatever the count (mark-all-read): one statement locks the tenant's
    /// notifications, each one's <paramref name="engagement"/> (in order: `seen`; `read`, `seen`; `unread`; `archived`;
    /// `unarchived`) folds forward through the <see cref="StatusMachine"/> (`delivered` implied first; a `seen` after
    /// `read` changes nothing), and one statement writes the statuses and the history. Subscribers hear the moves
    /// (`notification.seen` and `.read` webhooks, workflow waits); the history-only rows (those kinds, and a read again
    /// after an unread) are not status changes and go to no one. A notification still in flight (its item written a
    /// moment before the worker records `sent`) is left to the worker: a step past `sending` now would make the worker's
    /// outcome, which moves only rows still `sending`, miss the row.
    /// </summary>
    /// <returns>How many notifications changed status.</returns>
    public async Task<int> RecordEngagementAsync(LedgerTransaction tx, Guid tenantId, string source, IReadOnlyList<Guid> ids,
        IReadOnlyList<string> engagement, string detail, CancellationToken ct)
    {
        if (ids.Count == 0 || engagement.Count == 0) return 0;
        var moves = new List<StatusChange>();
        var history = new List<StatusChange>();
        var now = DateTimeOffset.UtcNow;
        var reports = engagement.Where(e => !HistoryOnly.Contains(e))
            .Select(e => new ReportedStatus(null, null, e, detail, null, now)).ToList();
        var noted = engagement.Where(HistoryOnly.Contains).ToList();
        foreach (var n in await LockEngagedAsync(tx, tenantId, ids, ct))
        {
            var steps = StatusMachine.Fold(n.Status, reports).Select(s =>
                new StatusChange(n.Id, tenantId, n.Channel, s.Status, s.PreviousStatus, source, s.Detail, null,
                    now, n.Recipient, n.Metadata)).ToList();
            moves.AddRange(steps);
            history.AddRange(steps);
            if (StatusMachine.IsTerminal(n.Status)) continue;
            // Read again after an unread: the status is already there, the user's act is still history.
            string[] again = steps.Count == 0 && reports.Count > 0 && reports[0].Status == n.Status ? [n.Status] : [];
            history.AddRange(again.Concat(noted).Select(e =>
                new StatusChange(n.Id, tenantId, n.Channel, e, n.Status, source, detail, null, now, n.Recipient, n.Metadata)));
        }
        if (history.Count == 0) return 0;
        await using (var batch = new NpgsqlBatch(tx.Connection, tx.Transaction))
        {
            batch.BatchCommands.Add(WriteStepsCommand(moves, history));
            await batch.ExecuteNonQueryAsync(ct);
        }
        await PublishAsync(tx, moves, ct);
        return moves.Select(m => m.NotificationId).Distinct().Count();
    }

    private static async Task<List<Locked>> LockEngagedAsync(LedgerTransaction tx, Guid tenantId, IReadOnlyList<Guid> ids,
        CancellationToken ct)
    {
        var rows = new List<Locked>(ids.Count);
        await using var cmd = tx.Command(Sql.LockEngaged);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(ids as Guid[] ?? ids.ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows.Add(new Locked(r.GetGuid(0), r.GetString(1), r.GetString(2), StoredRecipient.Parse(r.GetString(3)),
                r.IsDBNull(4) ? null : JsonNode.Parse(r.GetString(4)) as JsonObject, null));
        return rows;
    }
}
