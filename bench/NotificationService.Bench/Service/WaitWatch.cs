using System.Globalization;
using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>
/// What the service's database sessions were waiting on, window by window: every 100 ms, the wait event of each active
/// client backend of the database (no wait event: on CPU) and the tables being vacuumed. A slow window then says whether
/// its statements waited for the write-ahead log, for a lock or for the CPU, and what autovacuum was doing meanwhile.
/// </summary>
public sealed class WaitWatch : IAsyncDisposable
{
    private readonly NpgsqlDataSource _db;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, Dictionary<string, int>> _waits = [];
    private readonly Dictionary<string, SortedSet<string>> _vacuumed = [];
    private Task _polling = Task.CompletedTask;
    private volatile string? _window;

    private WaitWatch(NpgsqlDataSource db) => _db = db;

    public static WaitWatch Start(NpgsqlDataSource db)
    {
        var watch = new WaitWatch(db);
        watch._polling = Task.Run(watch.PollAsync);
        return watch;
    }

    /// <summary>The window that samples from now on belong to (null: none).</summary>
    public void Window(string? key) => _window = key;

    /// <summary>The window's three commonest waits as shares of its samples, and the tables vacuumed during it.</summary>
    public string Describe(string key)
    {
        lock (_waits)
        {
            var waits = _waits.GetValueOrDefault(key) ?? [];
            var total = Math.Max(1, waits.Values.Sum());
            var top = string.Join(", ", waits.OrderByDescending(w => w.Value).Take(3)
                .Select(w => $"{w.Key} {(100.0 * w.Value / total).ToString("0", CultureInfo.InvariantCulture)} %"));
            var vacuumed = _vacuumed.GetValueOrDefault(key) is { Count: > 0 } v ? string.Join("+", v) : "none";
            return $"waits {(top.Length == 0 ? "none sampled" : top)}; vacuuming {vacuumed}";
        }
    }

    private async Task PollAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var cmd = _db.CreateCommand("""
                    select coalesce(wait_event_type || ':' || wait_event, 'CPU') from pg_stat_activity
                    where state = 'active' and backend_type = 'client backend' and datname = current_database() and pid <> pg_backend_pid()
                    union all
                    select 'vacuum ' || relid::regclass::text from pg_stat_progress_vacuum where datname = current_database()
                    """);
                await using var r = await cmd.ExecuteReaderAsync(_stop.Token);
                var window = _window;
                while (await r.ReadAsync(_stop.Token))
                    if (window is not null) Add(window, r.GetString(0));
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException) { return; }
            catch (NpgsqlException) { await Task.Delay(100); }   // a sample missed is a sample, not a failure
        }
    }

    private void Add(string window, string sample)
    {
        lock (_waits)
        {
            if (sample.StartsWith("vacuum ", StringComparison.Ordinal))
            {
                (_vacuumed.TryGetValue(window, out var set) ? set : _vacuumed[window] = new(StringComparer.Ordinal)).Add(sample[7..]);
                return;
            }
            var waits = _waits.TryGetValue(window, out var w) ? w : _waits[window] = [];
            waits[sample] = waits.GetValueOrDefault(sample) + 1;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _polling;
        _stop.Dispose();
    }
}
