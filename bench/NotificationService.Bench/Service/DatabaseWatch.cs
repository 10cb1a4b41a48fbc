using System.Diagnostics;
using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>
/// What the database did during a window besides the statements: polls `pg_stat_activity` every 250 ms for autovacuum
/// workers and for the number of client connections to the window's database (a pool that grows under load starts new
/// backends, each paying its catalog caches and page faults on the shared cores), and counts checkpoints from
/// `pg_stat_bgwriter`. A stall of the whole chain that lines up with one of these is not the service's own path.
/// </summary>
public sealed class DatabaseWatch : IAsyncDisposable
{
    private readonly NpgsqlDataSource _db;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, (double First, double Last)> _seen = [];
    private readonly List<(double At, long Connections)> _connections = [];
    private readonly long _checkpointsBefore;
    private Task _polling = Task.CompletedTask;

    private DatabaseWatch(NpgsqlDataSource db, long checkpoints) => (_db, _checkpointsBefore) = (db, checkpoints);

    public static async Task<DatabaseWatch> StartAsync(NpgsqlDataSource db)
    {
        var watch = new DatabaseWatch(db, await CheckpointsAsync(db));
        watch._polling = Task.Run(watch.PollAsync);
        return watch;
    }

    private async Task PollAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var cmd = _db.CreateCommand("""
                    select backend_type, query from pg_stat_activity
                    where backend_type = 'autovacuum worker' and query <> '' or backend_type = 'client backend' and datname = current_database()
                    """);
                await using var r = await cmd.ExecuteReaderAsync(_stop.Token);
                var at = _clock.Elapsed.TotalSeconds;
                long clients = -1;   // not counting this poll's own connection
                while (await r.ReadAsync(_stop.Token))
                {
                    if (r.GetString(0) == "client backend") { clients++; continue; }
                    var what = r.GetString(1);
                    _seen[what] = _seen.TryGetValue(what, out var span) ? (span.First, at) : (at, at);
                }
                _connections.Add((at, clients));
                await Task.Delay(250, _stop.Token);
            }
            catch (OperationCanceledException) { return; }
        }
    }

    private static async Task<long> CheckpointsAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("select checkpoints_timed + checkpoints_req from pg_stat_bgwriter");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Stops polling; the autovacuum runs seen (seconds from the start, first and last sighting), checkpoints, connections.</summary>
    public async Task<string> StopAsync()
    {
        _stop.Cancel();
        await _polling;
        var checkpoints = await CheckpointsAsync(_db) - _checkpointsBefore;
        var runs = _seen.OrderBy(s => s.Value.First).Select(s => $"{s.Key.Replace("autovacuum: ", "")} {s.Value.First:0.0}–{s.Value.Last:0.0} s").ToList();
        var most = _connections.Count == 0 ? default : _connections.MaxBy(c => c.Connections);
        var connections = _connections.Count == 0 ? "" :
            $"; client connections to the database {_connections[0].Connections} at the start, {most.Connections} at most (first at {most.At:0.0} s)";
        return $"autovacuum seen {(runs.Count == 0 ? "never" : string.Join("; ", runs))}; checkpoints {checkpoints}{connections}";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }
}
