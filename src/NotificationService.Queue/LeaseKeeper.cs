using System.Collections.Concurrent;
using Npgsql;

namespace NotificationService.Queue;

/// <summary>
/// Leases: extends the lease of every job this worker is still running (so long jobs are not stolen),
/// and rescues jobs whose lease expired because their worker died: they go back to ready (or dead when
/// out of attempts). That is what makes delivery at-least-once, with duplicates bounded by what was in flight.
/// </summary>
internal sealed class LeaseKeeper(NpgsqlDataSource db, QueueProcessorOptions options)
{
    private readonly ConcurrentDictionary<long, byte> _running = new();

    public void Track(IEnumerable<Job> jobs) { foreach (var j in jobs) _running[j.Id] = 0; }
    public void Untrack(IEnumerable<Job> jobs) { foreach (var j in jobs) _running.TryRemove(j.Id, out _); }

    public async Task ExtendAsync(CancellationToken ct)
    {
        var ids = _running.Keys.ToArray();
        if (ids.Length == 0) return;
        await using var cmd = db.CreateCommand("""
            update jobs set locked_until = now() + $3 * interval '1 millisecond'
            where id = any($1) and locked_by = $2 and state = 'running'
            """);
        cmd.Parameters.AddWithValue(ids);
        cmd.Parameters.AddWithValue(options.WorkerId);
        cmd.Parameters.AddWithValue(options.Lease.TotalMilliseconds);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Returns the queues that got jobs back.</summary>
    public async Task<IReadOnlyList<string>> RescueAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update jobs set state = case when attempt >= max_attempts then 'dead' else 'ready' end,
                            run_at = now(), locked_by = null, locked_until = null, updated_at = now(),
                            last_error = 'lease expired: the worker stopped before finishing (' || coalesce(locked_by, '?') || ')'
            where state = 'running' and locked_until < now()
            returning queue
            """);
        var queues = new HashSet<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) queues.Add(r.GetString(0));
        return queues.ToList();
    }
}
