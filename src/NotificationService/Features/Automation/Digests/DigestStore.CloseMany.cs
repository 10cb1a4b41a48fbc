using Npgsql;

namespace NotificationService.Features.Automation.Digests;

/// <summary>A window a batch closed: the run that carries its digest (none when every event left), its events, and
/// whether it is a live in-app window whose item says the final digest now.</summary>
public sealed record ClosedWindow(Guid Id, Guid? Carrier, bool Live, List<WindowEvent> Events);

public static partial class DigestStore
{
    /// <summary>
    /// Locks those of <paramref name="windowIds"/> that are open, with when each closes now. With
    /// <paramref name="skipHeld"/>, only those no one else holds: that is what lets one transaction lock many windows, since
    /// a trigger joining locks its windows in its own order and an erase in another, and a batch that waited on either while
    /// holding others could deadlock with it. A window left out is closed already, gone, or (skipped) busy.
    /// </summary>
    public static async Task<Dictionary<Guid, DateTimeOffset>> LockOpenAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId,
        Guid[] windowIds, bool skipHeld, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            select id, closes_at from digest_windows where tenant_id = $1 and id = any($2) and state = 'open'
            for update{(skipHeld ? " skip locked" : "")}
            """, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(windowIds);
        var locked = new Dictionary<Guid, DateTimeOffset>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) locked[r.GetGuid(0)] = r.GetFieldValue<DateTimeOffset>(1);
        return locked;
    }

    /// <summary>`open` → `closed` once, for windows the caller has locked, in two statements whatever their number: each
    /// window's first event's run carries its digest, which is written beside it (exact count, the kept events' data,
    /// distinct actors); the events go, returned so that the caller queues the runs that carry and the runs digested. A
    /// window closed already is left out.</summary>
    public static async Task<List<ClosedWindow>> CloseManyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid tenantId,
        Guid[] windowIds, DateTimeOffset now, CancellationToken ct)
    {
        var closed = new Dictionary<Guid, ClosedWindow>();
        await using (var close = new NpgsqlCommand(CloseMany, conn, tx))
        {
            close.Parameters.AddWithValue(tenantId);
            close.Parameters.AddWithValue(windowIds);
            close.Parameters.AddWithValue(now);
            await using var r = await close.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                closed[r.GetGuid(0)] = new ClosedWindow(r.GetGuid(0), r.IsDBNull(1) ? null : r.GetGuid(1), r.GetBoolean(2), []);
        }
        if (closed.Count == 0) return [];
        await using var take = new NpgsqlCommand("""
            delete from digest_events where tenant_id = $1 and window_id = any($2) returning window_id, run_id, seq
            """, conn, tx);
        take.Parameters.AddWithValue(tenantId);
        take.Parameters.AddWithValue(closed.Keys.ToArray());
        await using var rows = await take.ExecuteReaderAsync(ct);
        while (await rows.ReadAsync(ct)) closed[rows.GetGuid(0)].Events.Add(new WindowEvent(rows.GetGuid(1), rows.GetInt32(2)));
        return [.. closed.Values];
    }

    private const string CloseMany = $"""
        update digest_windows w set state = 'closed', closed_at = $3,
            carrier_run_id = coalesce(w.carrier_run_id,
                (select e.run_id from digest_events e where e.tenant_id = $1 and e.window_id = w.id order by e.position limit 1)),
            summary = {SummarySoFar}
        where w.tenant_id = $1 and w.id = any($2) and w.state = 'open'
        returning w.id, w.carrier_run_id, w.live_send_step is not null
        """;
}
