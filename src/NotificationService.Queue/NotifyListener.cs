using Microsoft.Extensions.Logging;
using Npgsql;

namespace NotificationService.Queue;

/// <summary>LISTENs on a dedicated connection and turns other replicas' NOTIFYs into local wake-ups.</summary>
internal sealed class NotifyListener(NpgsqlDataSource db, QueueSignals signals, ILogger log, QueueEvents? events = null)
{
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await db.OpenConnectionAsync(ct);
                conn.Notification += (_, e) => signals.Signal(e.Payload);
                await using (var cmd = new NpgsqlCommand($"listen {JobQueue.NotifyChannel}", conn)) await cmd.ExecuteNonQueryAsync(ct);
                events?.OnListening();   // a NOTIFY committed before this point was never heard: the poll covers it
                while (!ct.IsCancellationRequested) await conn.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogWarning(e, "LISTEN connection lost; polling covers the gap until it is back");
                try { await Task.Delay(TimeSpan.FromSeconds(1), ct); } catch (OperationCanceledException) { return; }
            }
        }
    }
}
