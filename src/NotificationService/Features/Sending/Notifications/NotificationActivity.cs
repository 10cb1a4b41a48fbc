using Npgsql;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>A channel's notifications since a moment: sent (or further), failed, still in flight, and ended otherwise
/// (cancelled, expired, suppressed, skipped).</summary>
public sealed record ChannelCounts(string Channel, long Sent, long Failed, long InFlight, long Other);

/// <summary>One time slot of one channel: how many of the notifications created in it were sent (or further) and failed.</summary>
public sealed record ActivitySlot(string Channel, DateTimeOffset Start, long Sent, long Failed);

/// <summary>
/// The console overview's reads: a tenant's last hour per channel, as totals and as slots for a chart, on the
/// (tenant_id, created_at) index. "In flight" is what can still change: accepted, queued or sending, nothing ended.
/// </summary>
public sealed class NotificationActivity(NpgsqlDataSource db)
{
    private const string Delivered = "'sent','delivered','seen','read','opened','clicked'";
    private const string InFlight = "'accepted','queued','sending'";

    private const string CountsSql = $"""
        select channel,
               count(*) filter (where status in ({Delivered})),
               count(*) filter (where status = 'failed'),
               count(*) filter (where status in ({InFlight})),
               count(*) filter (where status not in ({Delivered}, 'failed', {InFlight}))
        from notifications where tenant_id = $1 and created_at >= $2 group by channel order by channel
        """;

    public async Task<IReadOnlyList<ChannelCounts>> CountsSinceAsync(Guid tenantId, DateTimeOffset since, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(CountsSql);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(since);
        var rows = new List<ChannelCounts>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows.Add(new ChannelCounts(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)));
        return rows;
    }

    private const string SlotsSql = $"""
        select channel, date_bin($3, created_at, $2) as slot,
               count(*) filter (where status in ({Delivered})),
               count(*) filter (where status = 'failed')
        from notifications where tenant_id = $1 and created_at >= $2
        group by channel, slot order by channel, slot
        """;

    /// <summary>Slots of <paramref name="slot"/> from <paramref name="since"/>; slots with nothing created are absent.</summary>
    public async Task<IReadOnlyList<ActivitySlot>> SlotsSinceAsync(Guid tenantId, DateTimeOffset since, TimeSpan slot, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(SlotsSql);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(since);
        cmd.Parameters.AddWithValue(slot);
        var rows = new List<ActivitySlot>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            rows.Add(new ActivitySlot(r.GetString(0), r.GetFieldValue<DateTimeOffset>(1), r.GetInt64(2), r.GetInt64(3)));
        return rows;
    }
}
