using System.Diagnostics;
using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>Reads the service's tables directly: the truth about what is left to deliver, and what reached the sandbox.</summary>
public static class QueueWatch
{
    /// <summary>Live work left, in units: a delivery job for a group of notifications counts each of them.
    /// <paramref name="dueOnly"/>: only what is due now (not jobs held for later, <see cref="DispatchWarmUp"/>).</summary>
    public static async Task<long> CountQueuedUnitsAsync(NpgsqlDataSource db, bool dueOnly = false)
    {
        await using var cmd = db.CreateCommand("/* bench */ select coalesce(sum(units), 0) from jobs where state <> 'dead' and (not $1 or run_at <= now())");
        cmd.Parameters.AddWithValue(dueOnly);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Notifications the sandbox provider received (each once, whatever its attempts).</summary>
    public static async Task<int> CountSandboxSentAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("/* bench */ select count(distinct notification_id) from sandbox_messages");
        return (int)(long)(await cmd.ExecuteScalarAsync())!;
    }

    public static async Task<long> CountDeadAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("/* bench */ select count(*) from jobs where state = 'dead'");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Waits until no live job is left; false on timeout.</summary>
    public static async Task<bool> WaitDrainedAsync(NpgsqlDataSource db, TimeSpan timeout, string label)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            var left = await CountQueuedUnitsAsync(db);
            Progress.Show($"{label}: {left:N0} jobs left ({sw.Elapsed.TotalSeconds:0} s)");
            if (left == 0) return true;
            await Task.Delay(250);
        }
        return false;
    }
}
