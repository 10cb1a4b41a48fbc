using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace NotificationService.Queue;

/// <summary>
/// Tells other replicas a queue has work, via pg_notify, at most once per <see cref="MinInterval"/> per
/// queue (trailing edge: a burst of enqueues costs two NOTIFYs, and the last commit is always covered).
/// Sent after commit from a pooled connection, never inside the enqueuing transaction.
/// </summary>
public sealed class CrossReplicaNotifier(NpgsqlDataSource db, ILogger<CrossReplicaNotifier>? log = null)
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(50);
    private readonly ILogger _log = log ?? NullLogger<CrossReplicaNotifier>.Instance;
    private readonly ConcurrentDictionary<string, QueueState> _state = new();

    private sealed class QueueState { public long LastSentTicks; public int Pending; }

    public void Notify(string queue)
    {
        var s = _state.GetOrAdd(queue, _ => new QueueState());
        if (Interlocked.CompareExchange(ref s.Pending, 1, 0) != 0) return; // a send is already scheduled: it covers us
        var wait = TimeSpan.FromTicks(Interlocked.Read(ref s.LastSentTicks)) + MinInterval
            - TimeSpan.FromTicks(Environment.TickCount64 * TimeSpan.TicksPerMillisecond);
        _ = SendAsync(queue, s, wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
    }

    private async Task SendAsync(string queue, QueueState s, TimeSpan delay)
    {
        try
        {
            if (delay > TimeSpan.Zero) await Task.Delay(delay);
            Volatile.Write(ref s.Pending, 0); // enqueues committed from here on schedule another send
            Interlocked.Exchange(ref s.LastSentTicks, Environment.TickCount64 * TimeSpan.TicksPerMillisecond);
            await using var cmd = db.CreateCommand("select pg_notify($1, $2)");
            cmd.Parameters.AddWithValue(JobQueue.NotifyChannel);
            cmd.Parameters.AddWithValue(queue);
            await cmd.ExecuteNonQueryAsync();
        }
        catch (Exception e)
        {
            Volatile.Write(ref s.Pending, 0);
            _log.LogWarning(e, "pg_notify for queue {Queue} failed; other replicas fall back to polling", queue);
        }
    }
}
