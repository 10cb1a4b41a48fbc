using System.Collections.Concurrent;
using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>
/// Where one window's accept-to-event latency goes, from wall-clock times on one machine (bench and PostgreSQL share
/// the clock): the send request started (bench) → the accept transaction began (notifications.created_at) → the
/// worker's inbox transaction began (inbox_items.created_at) → the ledger's `sent` (notifications.sent_at) → the
/// client read the event (bench). now() is a transaction's start, so each stage ends where the next transaction began.
/// </summary>
public sealed record SseStages(Percentiles ToAccept, Percentiles AcceptToInbox, Percentiles InboxToSent, Percentiles InboxToClient, int Rows)
{
    public static async Task<SseStages> MeasureAsync(NpgsqlDataSource db, ConcurrentDictionary<Guid, DateTime> sentWall,
        ConcurrentDictionary<Guid, DateTime> arrivedWall)
    {
        var ids = sentWall.Keys.Where(arrivedWall.ContainsKey).ToArray();
        List<double> toAccept = [], toInbox = [], toSent = [], toClient = [];
        await using var cmd = db.CreateCommand("""
            /* bench */ select n.id, n.created_at, i.created_at, n.sent_at from notifications n join inbox_items i on i.notification_id = n.id
            where n.id = any($1)
            """);
        cmd.Parameters.AddWithValue(ids);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var id = r.GetGuid(0);
            var accepted = r.GetFieldValue<DateTime>(1);
            var inbox = r.GetFieldValue<DateTime>(2);
            toAccept.Add((accepted - sentWall[id]).TotalMilliseconds);
            toInbox.Add((inbox - accepted).TotalMilliseconds);
            if (!r.IsDBNull(3)) toSent.Add((r.GetFieldValue<DateTime>(3) - inbox).TotalMilliseconds);
            toClient.Add((arrivedWall[id] - inbox).TotalMilliseconds);
        }
        return new SseStages(new(toAccept), new(toInbox), new(toSent), new(toClient), toAccept.Count);
    }

    public string Describe() =>
        $"stages over {Rows:N0} sends, p50 / p99 ms: request → accept txn {P(ToAccept)}; accept → worker's inbox txn {P(AcceptToInbox)}; " +
        $"inbox txn → ledger sent {P(InboxToSent)}; inbox txn → client read {P(InboxToClient)}";

    private static string P(Percentiles p) => $"{p.P50:0.0} / {p.P99:0.0}";
}
