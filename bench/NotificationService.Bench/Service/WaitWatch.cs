using System.Globalization;
using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>
/// What the service's database sessions were waiting on during a window: every 100 ms, the wait event of each active
/// client backend of the database (no wait event: on CPU) and the tables being vacuumed. A slow window then says whether
/// its statements waited for the write-ahead log, for a lock or for the CPU, and what autovacuum was doing meanwhile.
/// </summary>
public sealed class WaitWatch : IAsyncDisposable
{
    private readonly NpgsqlDataSource _db;
    private readonly CancellationTokenSource _stop = new();
    private Task _polling = Task.CompletedTask;
    private volatile Samples? _current;

    private WaitWatch(NpgsqlDataSource db) => _db = db;

    public static WaitWatch Start(NpgsqlDataSource db)
    {
        var watch = new WaitWatch(db);
        watch._polling = Task.Run(watch.PollAsync);
        return watch;
    }

    /// <summary>Runs <paramref name="window"/> and says what was sampled while it ran: its three commonest waits as shares of
    /// the samples, and the tables vacuumed meanwhile.</summary>
    public async Task<string> SampleAsync(Func<Task> window)
    {
        var samples = new Samples();
        _current = samples;
        try { await window(); }
        finally { _current = null; }
        return samples.Describe();
    }

    private async Task PollAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var cmd = _db.CreateCommand("""
                    select coalesce(wait_event_type || ':' || wait_event, 'CPU'), false from pg_stat_activity
                    where state = 'active' and backend_type = 'client backend' and datname = current_database() and pid <> pg_backend_pid()
                    union all
                    select relid::regclass::text, true from pg_stat_progress_vacuum where datname = current_database()
                    """);
                await using var r = await cmd.ExecuteReaderAsync(_stop.Token);
                var samples = _current;
                while (await r.ReadAsync(_stop.Token)) samples?.Add(r.GetString(0), vacuum: r.GetBoolean(1));
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException) { return; }
            catch (NpgsqlException) { await Task.Delay(100); }   // a sample missed is a sample, not a failure
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _polling;
        _stop.Dispose();
    }

    private sealed class Samples
    {
        private readonly Dictionary<string, int> _waits = [];
        private readonly SortedSet<string> _vacuumed = new(StringComparer.Ordinal);

        public void Add(string sample, bool vacuum)
        {
            lock (_waits)
                if (vacuum) _vacuumed.Add(sample);
                else _waits[sample] = _waits.GetValueOrDefault(sample) + 1;
        }

        public string Describe()
        {
            lock (_waits)
            {
                var total = Math.Max(1, _waits.Values.Sum());
                var top = string.Join(", ", _waits.OrderByDescending(w => w.Value).Take(3)
                    .Select(w => $"{w.Key} {(100.0 * w.Value / total).ToString("0", CultureInfo.InvariantCulture)} %"));
                return $"waits {(top.Length == 0 ? "none sampled" : top)}; vacuuming {(_vacuumed.Count == 0 ? "none" : string.Join("+", _vacuumed))}";
            }
        }
    }
}
