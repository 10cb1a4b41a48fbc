using System.Diagnostics;
using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>
/// What PostgreSQL's own background work did during a window: polls `pg_stat_activity` every 100 ms for autovacuum
/// workers (and the checkpointer mid-checkpoint is not visible there, so checkpoints are counted from
/// `pg_stat_bgwriter`). A stall of the whole chain that lines up with one of these is the database's housekeeping on
/// the shared cores, not the service's path.
/// </summary>
public sealed class AutovacuumWatch : IAsyncDisposable
{
    private readonly NpgsqlDataSource _db;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, (double First, double Last)> _seen = [];
    private readonly long _checkpointsBefore;
    private Task _polling = Task.CompletedTask;

    private AutovacuumWatch(NpgsqlDataSource db, long checkpoints) => (_db, _checkpointsBefore) = (db, checkpoints);

    public static async Task<AutovacuumWatch> StartAsync(NpgsqlDataSource db)
    {
        var watch = new AutovacuumWatch(db, await CheckpointsAsync(db));
        watch._polling = Task.Run(watch.PollAsync);
        return watch;
    }

    private async Task PollAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var cmd = _db.CreateCommand("select query from pg_stat_activity where backend_type = 'autovacuum worker' and query <> ''");
                await using var r = await cmd.ExecuteReaderAsync(_stop.Token);
                var at = _clock.Elapsed.TotalSeconds;
                while (await r.ReadAsync(_stop.Token))
                {
                    var what = r.GetString(0);
                    _seen[what] = _seen.TryGetValue(what, out var span) ? (span.First, at) : (at, at);
                }
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException) { return; }
        }
    }

    private static async Task<long> CheckpointsAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("select checkpoints_timed + checkpoints_req from pg_stat_bgwriter");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Stops polling; the autovacuum runs seen (seconds from the start, first and last sighting) and checkpoints.</summary>
    public async Task<string> StopAsync()
    {
        _stop.Cancel();
        await _polling;
        var checkpoints = await CheckpointsAsync(_db) - _checkpointsBefore;
        var runs = _seen.OrderBy(s => s.Value.First).Select(s => $"{s.Key.Replace("autovacuum: ", "")} {s.Value.First:0.0}–{s.Value.Last:0.0} s").ToList();
        return $"autovacuum seen {(runs.Count == 0 ? "never" : string.Join("; ", runs))}; checkpoints {checkpoints}";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }
}
