using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Npgsql;

namespace NotificationService.Features.Inbox;

/// <summary>
/// One LISTEN connection per replica. A committed inbox change NOTIFYs `tenant:user` (ids only, never content); the
/// hub wakes that user's open streams on this replica, which then read the event table from their last id. Because
/// streams always read the table, a lost wake-up costs latency, never an event: when the LISTEN connection comes back
/// every stream is woken, and a stream also looks on its keep-alive tick unless the connection stayed up since its last
/// read (<see cref="Generation"/>).
/// </summary>
public sealed class InboxStreamHub : BackgroundService
{
    public const string MeterName = "NotificationService.Inbox", OpenStreamsName = "inbox.streams.open";
    private readonly ConcurrentDictionary<(Guid, string), UserStreams> _byUser = new();
    private readonly NpgsqlDataSource db;
    private readonly ILogger<InboxStreamHub> log;
    private long _open;

    public InboxStreamHub(NpgsqlDataSource db, ILogger<InboxStreamHub> log, IMeterFactory meters)
    {
        this.db = db;
        this.log = log;
        // Read at scrape time, one series without labels: how many EventSources this replica holds (an operator sees
        // whether browsers share one stream per user, as the inbox component does, or open one per tab).
        meters.Create(MeterName).CreateObservableGauge(OpenStreamsName, () => OpenStreams, description: "Live inbox streams open on this replica");
    }

    /// <summary>Streams open on this replica, all users together.</summary>
    public long OpenStreams => Interlocked.Read(ref _open);

    /// <summary>One user's open streams on this replica. Adds and removes hold its lock, so the count a cap is checked
    /// against is exact, and a set emptied (and removed) is never added to again (a retired set's streams would go unwoken).</summary>
    private sealed class UserStreams
    {
        public readonly HashSet<Subscription> Streams = [];
        public Subscription[] Snapshot = [];   // what wakes read without the lock; replaced under it
        public bool Retired;
    }
    private long _generation;   // odd while listening; bumped when the LISTEN connection comes up and when it is lost

    /// <summary>Read before a stream reads its table. While it is unchanged and odd, the LISTEN connection has been up the
    /// whole time, so every commit since that read was announced (PostgreSQL delivers every NOTIFY committed after LISTEN)
    /// and a quiet stream has nothing to read.</summary>
    public long Generation => Volatile.Read(ref _generation);

    /// <summary>True when nothing can have been missed since a read that began at <paramref name="generation"/>.</summary>
    public bool HeardEverythingSince(long generation) => (generation & 1) == 1 && Generation == generation;

    public sealed class Subscription : IDisposable
    {
        private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        private readonly Action<Subscription> _remove;
        internal Subscription(Action<Subscription> remove) => _remove = remove;
        internal void Wake() => _wake.Writer.TryWrite(true);

        /// <summary>True when woken, false when <paramref name="timeout"/> passed first.</summary>
        public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(timeout);
            try { await _wake.Reader.ReadAsync(cts.Token); return true; }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return false; }
        }

        public void Dispose() => _remove(this);
    }

    /// <summary>Registers before the stream reads its starting point, so no change can fall between the two; null when the
    /// user already holds <paramref name="max"/> streams on this replica.</summary>
    public Subscription? TrySubscribe(Guid tenantId, string userId, int max)
    {
        var key = (tenantId, userId);
        while (true)
        {
            var streams = _byUser.GetOrAdd(key, _ => new());
            lock (streams)
            {
                if (streams.Retired) continue;   // emptied and removed meanwhile: take the new set
                if (streams.Streams.Count >= max) return null;
                var sub = new Subscription(s => Remove(key, streams, s));
                streams.Streams.Add(sub);
                streams.Snapshot = [.. streams.Streams];
                Interlocked.Increment(ref _open);
                return sub;
            }
        }
    }

    private void Remove((Guid, string) key, UserStreams streams, Subscription sub)
    {
        lock (streams)
        {
            if (!streams.Streams.Remove(sub)) return;
            Interlocked.Decrement(ref _open);
            streams.Snapshot = [.. streams.Streams];
            if (streams.Streams.Count > 0) return;
            streams.Retired = true;
            _byUser.TryRemove(new(key, streams));
        }
    }

    private void Wake(string payload)
    {
        var colon = payload.IndexOf(':');
        if (colon < 0 || !Guid.TryParse(payload.AsSpan(0, colon), out var tenant)) return;
        if (_byUser.TryGetValue((tenant, payload[(colon + 1)..]), out var streams))
            foreach (var s in Volatile.Read(ref streams.Snapshot)) s.Wake();
    }

    private void WakeAll()
    {
        foreach (var streams in _byUser.Values) foreach (var s in Volatile.Read(ref streams.Snapshot)) s.Wake();
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await db.OpenConnectionAsync(ct);
                conn.Notification += (_, e) => Wake(e.Payload);
                await using (var cmd = new NpgsqlCommand($"listen {InboxStore.NotifyChannel}", conn)) await cmd.ExecuteNonQueryAsync(ct);
                Interlocked.Increment(ref _generation);   // odd: listening
                WakeAll();   // whatever committed while we were not listening
                try { while (!ct.IsCancellationRequested) await conn.WaitAsync(ct); }
                finally { Interlocked.Increment(ref _generation); }   // even: from here a NOTIFY can be lost
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogWarning(e, "Inbox LISTEN connection lost; streams fall back to their keep-alive reads until it is back");
                try { await Task.Delay(TimeSpan.FromSeconds(1), ct); } catch (OperationCanceledException) { return; }
            }
        }
    }
}
