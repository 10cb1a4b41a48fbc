using Npgsql;

namespace NotificationService.Bench.Service;

public sealed record EndToEndResult(LoadResult Load, Percentiles LatencyMs, int Delivered, bool Drained);

/// <summary>
/// Accept-to-provider-call latency: for every id accepted during an open-loop run,
/// sandbox_messages.created_at − notifications.created_at (both stamped by the database clock).
/// </summary>
public static class EndToEndLatency
{
    public static async Task<EndToEndResult> MeasureAsync(ServiceProcess service, NpgsqlDataSource db, double rate, TimeSpan duration)
    {
        var load = await AcceptLoad.OpenLoopAsync(service.BaseAddress, rate, duration, $"end-to-end at {rate:N0}/s");
        var drained = await QueueWatch.WaitDrainedAsync(db, TimeSpan.FromSeconds(120), "end-to-end: waiting for deliveries");
        await using var cmd = db.CreateCommand("""
            select extract(epoch from min(s.created_at) - n.created_at) * 1000.0
            from notifications n join sandbox_messages s on s.notification_id = n.id
            where n.id = any($1)
            group by n.id, n.created_at
            """);
        cmd.Parameters.AddWithValue(load.Ids.ToArray());
        var values = new List<double>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) values.Add(Convert.ToDouble(r.GetValue(0)));
        return new EndToEndResult(load, new Percentiles(values), values.Count, drained);
    }
}
