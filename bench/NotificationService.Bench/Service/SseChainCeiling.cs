using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>
/// The stream's latency ceiling, measured in the same run: PostgreSQL alone doing the round trips an in_app send makes
/// between its request and its event on a stream, one send per chain, no batching and no service in between:
/// the accept (insert + commit), the claim, `sending` (updates, each its own commit), the preferences read, the inbox
/// write with its NOTIFY (one commit), then, once a LISTEN connection hears it, the stream's read. Open loop at the
/// same rate, with the same 10,000 streams open (idle). The service's p99 ÷ this p99 is the comparable figure on a
/// machine whose load moves the absolute one.
/// </summary>
public static class SseChainCeiling
{
    private const string Channel = "bench_chain";

    public static async Task<Percentiles> MeasureAsync(string cs, double rate, TimeSpan duration)
    {
        await using var db = NpgsqlDataSource.Create(cs);
        await using (var setup = db.CreateCommand("""
            create table if not exists bench_chain (id bigint primary key, state text not null, payload jsonb not null);
            create table if not exists bench_chain_inbox (id bigint primary key, payload jsonb not null);
            truncate bench_chain, bench_chain_inbox;
            """)) await setup.ExecuteNonQueryAsync();

        var heard = new ConcurrentDictionary<long, TaskCompletionSource>();
        await using var listener = await db.OpenConnectionAsync();
        listener.Notification += (_, e) => { if (heard.TryGetValue(long.Parse(e.Payload), out var t)) t.TrySetResult(); };
        await using (var listen = new NpgsqlCommand($"listen {Channel}", listener)) await listen.ExecuteNonQueryAsync();
        using var stop = new CancellationTokenSource();
        var listening = Task.Run(async () => { try { while (true) await listener.WaitAsync(stop.Token); } catch (OperationCanceledException) { } });

        // One unrecorded second first, so the pool's connections are open (a new backend costs milliseconds).
        await RunAsync(db, heard, rate, TimeSpan.FromSeconds(1), 0, new ConcurrentBag<double>());
        var latencies = new ConcurrentBag<double>();
        await RunAsync(db, heard, rate, duration, 1_000_000, latencies);
        stop.Cancel();
        await listening;
        return new Percentiles(latencies);
    }

    private static async Task RunAsync(NpgsqlDataSource db, ConcurrentDictionary<long, TaskCompletionSource> heard, double rate, TimeSpan duration,
        long firstId, ConcurrentBag<double> latencies)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var chains = new List<Task>(total);
        var origin = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = origin + (long)(i * Stopwatch.Frequency / rate);
            await OpenLoopPace.UntilAsync(due);
            var id = firstId + i;
            var arrived = heard[id] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            chains.Add(Task.Run(async () =>
            {
                var t0 = Stopwatch.GetTimestamp();
                await ExecAsync(db, "insert into bench_chain values ($1, 'queued', '{\"title\":\"Bench\",\"body\":\"A live one\"}')", id);
                await ExecAsync(db, "update bench_chain set state = 'running' where id = $1", id);
                await ExecAsync(db, "update bench_chain set state = 'sending' where id = $1 returning payload", id);
                await ExecAsync(db, "select state from bench_chain where id = $1", id);
                await ExecAsync(db, $"""
                    with i as (insert into bench_chain_inbox select id, payload from bench_chain where id = $1 returning id)
                    select pg_notify('{Channel}', id::text) from i
                    """, id);
                await arrived.Task.WaitAsync(TimeSpan.FromSeconds(15));
                await ExecAsync(db, "select payload::text from bench_chain_inbox where id = $1", id);
                latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }));
            if (i % 250 == 0) Progress.Show($"sse: PostgreSQL alone, the same chain of round trips, {rate:N0}/s: {i:N0} / {total:N0}");
        }
        await Task.WhenAll(chains);
    }

    private static async Task ExecAsync(NpgsqlDataSource db, string sql, long id)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) { }
    }
}
