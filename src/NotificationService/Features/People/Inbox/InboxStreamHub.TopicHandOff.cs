using System.Collections.Concurrent;

namespace NotificationService.Features.People.Inbox;

/// <summary>An event of a stream's topics as the hub read it, where the hub's unbroken hearing of the tenant's
/// topic-event sequence began (<see cref="InboxStreamHub.LastHeard"/>), and the event's bytes after its id, encoded once
/// for every stream that sends it (<see cref="SseFrames.Tail"/>).</summary>
public sealed record HandedTopicEvent(TopicStreamEvent Event, long Since, byte[] Tail);

/// <summary>
/// Topic events handed to the member streams in memory. One event to a topic of 10,000 members used to wake 10,000
/// streams that each read the event table (batched, 1,000 reads a statement): ~200 ms of reads before the last socket
/// was written (BENCHMARKS.md). The hub now reads the event once and hands it to its local members.
/// Why a stream may trust a hand-off: a tenant's topic events commit in number order (the counter row's lock), each
/// announces itself with its number, and announcements arrive in commit order; so while the hub hears a tenant's numbers
/// without a gap, from <see cref="HandedTopicEvent.Since"/> on, it hands every event to every stream that is in its
/// topic index, in order. A stream whose last table read covered everything up to at least <c>Since</c>, and whose
/// membership the hub has not changed since (<see cref="Subscription.CoverageVersion"/>), therefore misses nothing by
/// taking hand-offs. Whenever that cannot be shown it reads the table, as before, which stays the source of truth.
/// </summary>
public sealed partial class InboxStreamHub
{
    /// <summary>Hand-offs one stream may have waiting before it is sent to the table instead (a client not reading).</summary>
    internal const int MaxHanded = 1000;

    /// <summary>Where the hub is in one tenant's topic-event sequence (written by the announcement task only).</summary>
    private sealed class TenantSequence
    {
        public long Last = -1;   // the highest number heard; -1: none yet
        public long Since;       // every number after this one was heard
        public TopicStreamEvent? Current;   // the last event read, for its other topics' announcements
        public byte[]? CurrentTail;         // its bytes as a stream sends them after the id
    }

    private readonly ConcurrentDictionary<Guid, TenantSequence> _sequences = new();

    /// <summary>The highest topic-event number of the tenant this replica has heard (0: none). A stream reads it before a
    /// table read: every event up to it had committed, so the read covers them.</summary>
    public long LastHeard(Guid tenantId) => _sequences.TryGetValue(tenantId, out var s) ? Math.Max(0, Volatile.Read(ref s.Last)) : 0;

    /// <summary>Event <paramref name="seq"/> went to <paramref name="topic"/>: hand it to the topic's local members.</summary>
    private async Task HandOverAsync(Guid tenant, long seq, string topic, CancellationToken ct)
    {
        var s = _sequences.GetOrAdd(tenant, _ => new TenantSequence());
        // The first number heard, or a gap (the LISTEN connection was down): hand-offs start over from here.
        if (s.Last < 0 || seq > s.Last + 1) s.Since = seq - 1;
        if (seq > s.Last) Volatile.Write(ref s.Last, seq);
        if (!_byTopic.TryGetValue((tenant, topic), out var members) || members.IsEmpty) return;
        if (s.Current?.Seq != seq)
        {
            s.CurrentTail = null;
            try { s.Current = await topics.EventAsync(tenant, seq, ct); }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                log.LogWarning(e, "Could not read a topic event for the live streams; its members read the table");
                s.Current = null;
            }
        }
        if (s.Current is { } read && read.Seq == seq)
        {
            var handed = new HandedTopicEvent(read, s.Since,
                s.CurrentTail ??= SseFrames.Tail(InboxStore.AppEventKind(read.Type), read.Data));
            foreach (var member in members.Keys) member.Hand(handed);
            return;
        }
        // Not read (or no longer kept): these members cannot be vouched for; they read the table.
        foreach (var member in members.Keys) member.WakeToReadTable(Reads.TopicEvents);
    }
}
