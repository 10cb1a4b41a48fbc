using Npgsql;

namespace NotificationService.Bench.Service;

/// <param name="ToClaimMs">Accept's transaction start → the worker's claim of the notification (its attempt's start): the
/// commit, the worker's wake-up, any wait before its next claim, the claim and the batch's reads.</param>
/// <param name="ClaimToCallMs">The attempt's start → the provider call: rendering and the send.</param>
public sealed record EndToEndResult(LoadResult Load, Percentiles LatencyMs, int Delivered, bool Drained, Percentiles ToClaimMs, Percentiles ClaimToCallMs);

/// <summary>
/// Accept-to-provider-call latency: for every id accepted during an open-loop run,
/// sandbox_messages.created_at − notifications.created_at (both stamped by the database clock), split at the attempt's
/// start (its history row's started_at, stamped when the worker claimed the notification for sending).
/// </summary>
public static class EndToEndLatency
{
    public static async Task<EndToEndResult> MeasureAsync(ServiceProcess service, NpgsqlDataSource db, double rate, TimeSpan duration)
    {
        var load = await AcceptLoad.OpenLoopAsync(service.BaseAddress, rate, duration, $"end-to-end at {rate:N0}/s");
        var drained = await QueueWatch.WaitDrainedAsync(db, TimeSpan.FromSeconds(120), "end-to-end: waiting for deliveries");
        await using var cmd = db.CreateCommand("""
            with called as (
                select n.id, n.created_at, min(s.created_at) as called_at
                from notifications n join sandbox_messages s on s.notification_id = n.id
                where n.id = any($1)
                group by n.id, n.created_at
            )
            select extract(epoch from c.called_at - c.created_at) * 1000.0,
                   extract(epoch from min(e.started_at) - c.created_at) * 1000.0,
                   extract(epoch from c.called_at - min(e.started_at)) * 1000.0
            from called c left join notification_events e on e.notification_id = c.id and e.started_at is not null
            group by c.id, c.created_at, c.called_at
            """);
        cmd.Parameters.AddWithValue(load.Ids.ToArray());
        List<double> values = [], toClaim = [], claimToCall = [];
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync())
            {
                values.Add(Convert.ToDouble(r.GetValue(0)));
                if (r.IsDBNull(1)) continue;
                toClaim.Add(Convert.ToDouble(r.GetValue(1)));
                claimToCall.Add(Convert.ToDouble(r.GetValue(2)));
            }
        return new EndToEndResult(load, new Percentiles(values), values.Count, drained, new Percentiles(toClaim), new Percentiles(claimToCall));
    }
}
