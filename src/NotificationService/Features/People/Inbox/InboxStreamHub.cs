using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Npgsql;

namespace NotificationService.Features.People.Inbox;

/// <summary>
/// One LISTEN connection per replica. A committed inbox change NOTIFYs `tenant:user` (ids only, never content); the
/// hub wakes that user's open streams on this replica, which then read the event table from their last id. Because
/// streams always read the table, a lost wake-up costs latency, never an event: when the LISTEN connection comes back
/// every stream is woken, and a stream also looks on its keep-alive tick unless the connection stayed up since its last
/// read (<see cref="Generation"/>).
/// Topics: a live event to a topic NOTIFYs the topic once (<see cref="StreamAnnouncements"/>), not each member, so the
/// hub keeps, for its own streams only, which topics each stream's user is in, and wakes those of the topic's members. A
/// membership change NOTIFYs the topic too; the hub then asks which of its streams' users are members now (one
/// statement) and updates that index. Topic announcements are handled in the order they committed, on one task, so a
/// member added just before an event is in the index when the event's wake-up is handled. The event itself is read once
/// per replica and handed to those streams in memory (InboxStreamHub.TopicHandOff.cs), so a topic of 10,000 members is
/// one read, not 10,000; a stream falls back to reading the table whenever the hand-off cannot prove it missed nothing.
/// </summary>
public sealed partial class InboxStreamHub : BackgroundService
{
    public const string MeterName = "NotificationService.Inbox", OpenStreamsName = "inbox.streams.open";
    private readonly ConcurrentDictionary<(Guid, string), UserStreams> _byUser = new();
    private readonly ConcurrentDictionary<Guid, int> _byTenant = new();   // streams open per tenant, for its cap
    private readonly NpgsqlDataSource db;
    private readonly ITopicStreamSource topics;
    private readonly ILogger<InboxStreamHub> log;
    private long _open;

    public InboxStreamHub(NpgsqlDataSource db, ITopicStreamSource topics, ILogger<InboxStreamHub> log, IMeterFactory meters)
    {
        this.db = db;
        this.topics = topics;
        this.log = log;
        // Read at scrape time, one series without labels: how many EventSources this replica holds (an operator sees
        // whether browsers share one stream per user, as the inbox component does, or open one per tab).
        meters.Create(MeterName).CreateObservableGauge(OpenStreamsName, () => OpenStreams,
            description: "Live inbox streams open on this replica");
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
    private readonly ConcurrentDictionary<(Guid, string), ConcurrentDictionary<Subscription, byte>> _byTopic = new();
    private readonly Channel<string> _topicAnnouncements =
        Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private long _generation;   // odd while listening; bumped when the LISTEN connection comes up and when it is lost

    /// <summary>Read before a stream reads its table. While it is unchanged and odd, the LISTEN connection has been up the
    /// whole time, so every commit since that read was announced (PostgreSQL delivers every NOTIFY committed after LISTEN)
    /// and a quiet stream has nothing to read.</summary>
    public long Generation => Volatile.Read(ref _generation);

    /// <summary>True when nothing can have been missed since a read that began at <paramref name="generation"/>.</summary>
    public bool HeardEverythingSince(long generation) => (generation & 1) == 1 && Generation == generation;

    /// <summary>What a stream must read: its own events, its topics' events, its topic list (after a missed membership change).</summary>
    [Flags]
    public enum Reads { None = 0, Own = 1, TopicEvents = 2, TopicList = 4, All = Own | TopicEvents | TopicList }

    public sealed class Subscription : IDisposable
    {
        private readonly Channel<bool> _wake =
            Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        private readonly Action<Subscription> _remove;
        private int _pending;
        internal Subscription(Guid tenantId, string userId, Action<Subscription> remove) =>
            (TenantId, UserId, _remove) = (tenantId, userId, remove);

        public Guid TenantId { get; }
        public string UserId { get; }
        /// <summary>The user's topics as this replica knows them (guarded by the subscription's lock).</summary>
        internal HashSet<string> Topics { get; } = new(StringComparer.Ordinal);
        /// <summary>Bumped by every change the hub makes to <see cref="Topics"/>, so a stream's own load can tell it raced one.</summary>
        internal long TopicsVersion { get; set; }
        internal bool Closed { get; set; }

        internal void Wake(Reads what)
        {
            Interlocked.Or(ref _pending, (int)what);
            _wake.Writer.TryWrite(true);
        }

        private readonly ConcurrentQueue<HandedTopicEvent> _handed = new();
        private int _handedCount;
        private long _coverage;

        /// <summary>Bumped whenever the hub can no longer vouch that this stream was handed every event of its topics: its
        /// membership changed, an event could not be read, or too many hand-offs waited. A stream trusts hand-offs only
        /// while this is what it was at its last table read.</summary>
        public long CoverageVersion => Interlocked.Read(ref _coverage);

        internal void Invalidate() => Interlocked.Increment(ref _coverage);

        /// <summary>Wakes it to read the table: whatever was handed over before proves nothing until that read.</summary>
        internal void WakeToReadTable(Reads what)
        {
            Invalidate();
            Wake(what);
        }

        /// <summary>An event of one of its topics, read once by the hub; a stream that does not keep up reads the table instead.</summary>
        internal void Hand(HandedTopicEvent e)
        {
            if (Interlocked.Increment(ref _handedCount) > MaxHanded)
            {
                Interlocked.Decrement(ref _handedCount);
                Invalidate();
            }
            else _handed.Enqueue(e);
            Wake(Reads.TopicEvents);
        }

        /// <summary>What was handed since the last call, in the order the hub heard it, into the stream's own list (one per
        /// stream, not one per wake-up).</summary>
        public void TakeHanded(List<HandedTopicEvent> taken)
        {
            taken.Clear();
            while (_handed.TryDequeue(out var e)) { taken.Add(e); Interlocked.Decrement(ref _handedCount); }
        }

        /// <summary>What the wake-ups since the last call asked for.</summary>
        public Reads TakePending() => (Reads)Interlocked.Exchange(ref _pending, 0);

        private CancellationTokenSource? _timeout;
        private CancellationToken _timeoutLinkedTo;

        /// <summary>True when woken, false when <paramref name="timeout"/> passed first. One stream waits at a time, so its
        /// timeout source is reset and reused rather than linked anew on every wait (10,000 streams woken by one event).</summary>
        public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
        {
            if (_timeout is null || _timeoutLinkedTo != ct || !_timeout.TryReset())
            {
                _timeout?.Dispose();
                (_timeout, _timeoutLinkedTo) = (CancellationTokenSource.CreateLinkedTokenSource(ct), ct);
            }
            _timeout.CancelAfter(timeout);
            try { await _wake.Reader.ReadAsync(_timeout.Token); return true; }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { return false; }
        }

        public void Dispose()
        {
            _remove(this);
            _timeout?.Dispose();
        }
    }

    /// <summary>Why a stream was not registered: its user, or its tenant, holds as many streams on this replica as allowed.</summary>
    public enum Full { User, Tenant }

    /// <summary>Registers before the stream reads its starting point, so no change can fall between the two; null (and
    /// <paramref name="full"/> saying which cap) when the user already holds <paramref name="maxPerUser"/> streams, or its
    /// tenant <paramref name="maxPerTenant"/>, on this replica.</summary>
    public Subscription? TrySubscribe(Guid tenantId, string userId, int maxPerUser, int maxPerTenant, out Full full)
    {
        full = Full.Tenant;
        if (!TryCountTenant(tenantId, maxPerTenant)) return null;
        full = Full.User;
        var key = (tenantId, userId);
        while (true)
        {
            var streams = _byUser.GetOrAdd(key, _ => new());
            lock (streams)
            {
                if (streams.Retired) continue;   // emptied and removed meanwhile: take the new set
                if (streams.Streams.Count >= maxPerUser)
                {
                    UncountTenant(tenantId);
                    return null;
                }
                var sub = new Subscription(tenantId, userId, Remove);
                streams.Streams.Add(sub);
                streams.Snapshot = [.. streams.Streams];
                Interlocked.Increment(ref _open);
                return sub;
            }
        }
    }

    /// <summary>Takes a place among the tenant's streams on this replica, unless all <paramref name="max"/> are taken
    /// (compare-and-swap: concurrent opens never pass the cap).</summary>
    private bool TryCountTenant(Guid tenantId, int max)
    {
        while (true)
        {
            var open = _byTenant.GetOrAdd(tenantId, 0);
            if (open >= max) return false;
            if (_byTenant.TryUpdate(tenantId, open + 1, open)) return true;
        }
    }

    private void UncountTenant(Guid tenantId)
    {
        // A tenant whose last stream closed leaves no entry behind; one opening meanwhile finds the key gone, adds it again.
        if (_byTenant.AddOrUpdate(tenantId, 0, (_, open) => open - 1) == 0) _byTenant.TryRemove(new(tenantId, 0));
    }

    private static Subscription[] StreamsOf(UserStreams streams) => Volatile.Read(ref streams.Snapshot);

    /// <summary>A stream's topics as it loaded them; false (nothing changed) when the hub changed them since
    /// <paramref name="version"/>: load again.</summary>
    public bool SetTopics(Subscription sub, IEnumerable<string> topicKeys, long version)
    {
        lock (sub)
        {
            if (sub.Closed || sub.TopicsVersion != version) return false;
            var wanted = topicKeys.ToHashSet(StringComparer.Ordinal);
            foreach (var gone in sub.Topics.Where(t => !wanted.Contains(t)).ToList()) SetTopic(sub, gone, false);
            foreach (var added in wanted) SetTopic(sub, added, true);
            return true;
        }
    }

    public static long TopicsVersionOf(Subscription sub) { lock (sub) return sub.TopicsVersion; }

    /// <summary>Call under the subscription's lock.</summary>
    private void SetTopic(Subscription sub, string topic, bool member)
    {
        var key = (sub.TenantId, topic);
        if (member && sub.Topics.Add(topic))
        {
            _byTopic.GetOrAdd(key, _ => new()).TryAdd(sub, 0);
            sub.Invalidate();   // events published around its joining may have been handed before it was in the index
        }
        else if (!member && sub.Topics.Remove(topic))
        {
            sub.Invalidate();
            if (_byTopic.TryGetValue(key, out var set) && set.TryRemove(sub, out _) && set.IsEmpty) _byTopic.TryRemove(new(key, set));
        }
    }

    private void Remove(Subscription sub)
    {
        var key = (sub.TenantId, sub.UserId);
        if (_byUser.TryGetValue(key, out var streams))
            lock (streams)
                if (streams.Streams.Remove(sub))
                {
                    Interlocked.Decrement(ref _open);
                    UncountTenant(sub.TenantId);
                    streams.Snapshot = [.. streams.Streams];
                    if (streams.Streams.Count == 0)
                    {
                        streams.Retired = true;
                        _byUser.TryRemove(new(key, streams));
                    }
                }
        lock (sub)
        {
            sub.Closed = true;
            foreach (var topic in sub.Topics.ToList()) SetTopic(sub, topic, false);
        }
    }

    private void OnNotification(string payload)
    {
        if (payload.StartsWith(StreamAnnouncements.TopicEventPrefix, StringComparison.Ordinal)
            || payload.StartsWith(StreamAnnouncements.MembersPrefix, StringComparison.Ordinal))
        {
            _topicAnnouncements.Writer.TryWrite(payload);
            return;
        }
        var colon = payload.IndexOf(':');
        if (colon < 0 || !Guid.TryParse(payload.AsSpan(0, colon), out var tenant)) return;
        if (_byUser.TryGetValue((tenant, payload[(colon + 1)..]), out var streams))
            foreach (var s in StreamsOf(streams)) s.Wake(Reads.Own);
    }

    private void WakeAll()
    {
        // Membership changes may have gone unheard too: every stream reloads its topics.
        foreach (var streams in _byUser.Values)
            foreach (var s in StreamsOf(streams))
                s.WakeToReadTable(Reads.All);   // topic events may have gone unheard too
    }

    /// <summary>Topic announcements, one at a time in commit order: wake a topic's local members, or re-check its membership.</summary>
    private async Task HandleTopicAnnouncementsAsync(CancellationToken ct)
    {
        await foreach (var payload in _topicAnnouncements.Reader.ReadAllAsync(ct))
        {
            if (payload.StartsWith(StreamAnnouncements.TopicEventPrefix, StringComparison.Ordinal))
            {
                if (StreamAnnouncements.ParseTopicEvent(payload) is { } published)
                    await HandOverAsync(published.Tenant, published.Seq, published.Topic, ct);
                continue;
            }
            if (StreamAnnouncements.Parse(payload, StreamAnnouncements.MembersPrefix) is not { } changed) continue;
            try { await RefreshMembershipAsync(changed.Tenant, changed.Topic, ct); }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                log.LogWarning(e, "Could not re-check a topic's members for the live streams; they reload their topics");
                foreach (var (key, streams) in _byUser)
                    if (key.Item1 == changed.Tenant)
                        foreach (var stream in StreamsOf(streams)) stream.WakeToReadTable(Reads.TopicList | Reads.TopicEvents);
            }
        }
    }

    private async Task RefreshMembershipAsync(Guid tenant, string topic, CancellationToken ct)
    {
        var local = _byUser.Where(x => x.Key.Item1 == tenant).ToList();
        if (local.Count == 0) return;
        var members = await topics.MembersAmongAsync(tenant, topic, local.Select(x => x.Key.Item2).ToList(), ct);
        foreach (var (key, streams) in local)
            foreach (var sub in StreamsOf(streams))
                lock (sub)
                {
                    if (sub.Closed) continue;
                    SetTopic(sub, topic, members.Contains(key.Item2));
                    sub.TopicsVersion++;
                }
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var announcements = HandleTopicAnnouncementsAsync(ct);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await db.OpenConnectionAsync(ct);
                conn.Notification += (_, e) => OnNotification(e.Payload);
                await using (var cmd = new NpgsqlCommand($"listen {InboxStore.NotifyChannel}", conn)) await cmd.ExecuteNonQueryAsync(ct);
                Interlocked.Increment(ref _generation);   // odd: listening
                WakeAll();   // whatever committed while we were not listening
                try { while (!ct.IsCancellationRequested) await conn.WaitAsync(ct); }
                finally { Interlocked.Increment(ref _generation); }   // even: from here a NOTIFY can be lost
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (Exception e)
            {
                log.LogWarning(e, "Inbox LISTEN connection lost; streams fall back to their keep-alive reads until it is back");
                try { await Task.Delay(TimeSpan.FromSeconds(1), ct); } catch (OperationCanceledException) { break; }
            }
        }
        try { await announcements; } catch (OperationCanceledException) { }
    }
}
