using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Contracts;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>The notification a report matched: enough for the reporter to act on its recipient (suppress the address).</summary>
public sealed record ReportedNotification(Guid Id, string Channel, StoredRecipient Recipient);

public sealed partial class NotificationLedger
{
    private sealed record Locked(Guid Id, string Status, string Channel, StoredRecipient Recipient, JsonObject? Metadata,
        string? ProviderMessageId);

    /// <summary>
    /// Applies statuses reported from outside (provider callbacks) inside the caller's transaction, set-based whatever the
    /// batch size: locks the tenant's notifications the reports name (by our id or the provider's message id), folds each
    /// one's reports in time order through the <see cref="StatusMachine"/>, writes the statuses and one history row per
    /// step (one statement), and tells subscribers. Row locks serialise concurrent reports for one notification, so two
    /// racing callbacks cannot both "move forward". Returns, per report, the notification it matched (null: unknown).
    /// </summary>
    public async Task<ReportedNotification?[]> ApplyReportsAsync(LedgerTransaction tx, Guid tenantId, string source,
        IReadOnlyList<ReportedStatus> reports, CancellationToken ct)
    {
        var (rows, plansGeneric) = await LockAsync(tx, tenantId, reports, ct);
        var byMessageId = rows.Values.Where(r => r.ProviderMessageId is not null).GroupBy(r => r.ProviderMessageId!)
            .ToDictionary(g => g.Key, g => g.First());
        Locked? Find(ReportedStatus e) => e.NotificationId is { } id && rows.TryGetValue(id, out var r) ? r
            : e.ProviderMessageId is { } m && byMessageId.TryGetValue(m, out r) ? r : null;

        var matched = new ReportedNotification?[reports.Count];
        var changes = new List<StatusChange>();
        var now = DateTimeOffset.UtcNow;
        foreach (var group in reports.Select((report, index) => (report, index)).GroupBy(x => Find(x.report)))
        {
            if (group.Key is not { } n) continue;
            foreach (var (_, index) in group) matched[index] = new ReportedNotification(n.Id, n.Channel, n.Recipient);
            var ordered = group.Select(x => x.report).OrderBy(e => e.At ?? DateTimeOffset.MinValue);   // stable: ties keep arrival order
            changes.AddRange(StatusMachine.Fold(n.Status, ordered).Select(s =>
                new StatusChange(n.Id, tenantId, n.Channel, s.Status, s.PreviousStatus, source, s.Detail, s.Error,
                    now, n.Recipient, n.Metadata)));
        }
        await WriteStepsAsync(tx, changes, plansGeneric, ct);
        await PublishAsync(tx, changes, ct);
        return matched;
    }

    /// <returns>The rows, and whether generic plans were turned on for the transaction (<see cref="Sql.GenericPlans"/>).</returns>
    private static async Task<(Dictionary<Guid, Locked>, bool)> LockAsync(LedgerTransaction tx, Guid tenantId,
        IReadOnlyList<ReportedStatus> reports, CancellationToken ct)
    {
        var rows = new Dictionary<Guid, Locked>();
        var ids = reports.Where(e => e.NotificationId is not null).Select(e => e.NotificationId!.Value).Distinct().ToArray();
        var messageIds = reports.Where(e => e.NotificationId is null && e.ProviderMessageId is not null)
            .Select(e => e.ProviderMessageId!).Distinct().ToArray();
        if (ids.Length + messageIds.Length == 0) return (rows, false);
        // Another tenant's notification id is simply unknown here: the caller's credential fixes the tenant.
        await using var batch = new NpgsqlBatch(tx.Connection, tx.Transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql.GenericPlans));
        var cmd = new NpgsqlBatchCommand(Sql.LockReported);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(ids);
        cmd.Parameters.AddWithValue(messageIds);
        batch.BatchCommands.Add(cmd);
        await using var r = await batch.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows[r.GetGuid(0)] = new Locked(r.GetGuid(0), r.GetString(1), r.GetString(2), StoredRecipient.Parse(r.GetString(3)),
                r.IsDBNull(4) ? null : JsonNode.Parse(r.GetString(4)) as JsonObject, r.IsDBNull(5) ? null : r.GetString(5));
        return (rows, true);
    }

    /// <summary>
    /// One statement: the final status per notification, one history row per step in order. Then the transaction plans
    /// as usual again (<paramref name="plansGeneric"/>: <see cref="LockAsync"/> turned generic plans on), so what the
    /// subscribers and the caller run next is planned as everywhere else.
    /// </summary>
    private static async Task WriteStepsAsync(LedgerTransaction tx, List<StatusChange> changes, bool plansGeneric, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(tx.Connection, tx.Transaction);
        if (changes.Count > 0) batch.BatchCommands.Add(WriteStepsCommand(changes));
        if (plansGeneric) batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql.UsualPlans));
        if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(ct);
    }

    private static NpgsqlBatchCommand WriteStepsCommand(List<StatusChange> changes) => WriteStepsCommand(changes, changes);

    /// <param name="moves">The status steps: each notification ends at its last one.</param>
    /// <param name="history">The history rows, in order: the steps, and rows that move no status (an inbox item marked unread).</param>
    private static NpgsqlBatchCommand WriteStepsCommand(IReadOnlyList<StatusChange> moves, IReadOnlyList<StatusChange> history)
    {
        var finals = moves.GroupBy(c => c.NotificationId)
            .Select(g => (Id: g.Key, g.Last().Status, Error: g.LastOrDefault(c => c.Error is not null)?.Error)).ToList();
        var cmd = new NpgsqlBatchCommand(Sql.WriteSteps);
        cmd.Parameters.AddWithValue(finals.Select(f => f.Id).ToArray());
        cmd.Parameters.AddWithValue(finals.Select(f => f.Status).ToArray());
        cmd.Parameters.AddWithValue(finals.Select(f => f.Error).ToArray());
        cmd.Parameters.AddWithValue(history.Select(c => c.NotificationId).ToArray());
        cmd.Parameters.AddWithValue(history.Select(c => c.Status).ToArray());
        cmd.Parameters.AddWithValue(history.Select(c => c.Detail ?? c.Error).ToArray());
        cmd.Parameters.AddWithValue(history.Select(c => c.Source).ToArray());
        return cmd;
    }
}
