using System.IO.Pipelines;
using Npgsql;
using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Suspension;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.Inbox;

/// <summary>
/// `GET /api/v1/users/me/stream`: Server-Sent Events. Every event carries its position as `id` (<see cref="StreamPosition"/>:
/// the user's own sequence number, and the tenant's topic-event sequence once there is one), so a reconnect with
/// `Last-Event-ID` (header, or `lastEventId` in the query for clients that cannot set it) replays exactly what was
/// missed, from both; a gap the event tables no longer cover gives one `reset` event (refetch the list). The stream
/// reads the event tables only, woken by <see cref="InboxStreamHub"/>, so ordering and exactly-once come from the
/// tables, not from the wake-ups. Woken streams read together (<see cref="InboxEventReader"/>). Live application events
/// are `app.&lt;type&gt;`: to the user, rows of its own sequence; to its topics, read through <see cref="ITopicStreamSource"/>.
/// </summary>
public static class InboxStream
{
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    public const int RetryMs = 3000, ReadBatch = 500, DefaultMaxStreamsPerUser = 10, DefaultMaxStreamsPerTenant = 10_000;

    public static void MapInboxStream(this RouteGroupBuilder me) =>
        me.MapGet("/stream", StreamAsync)
            .WithSummary("Live events (SSE): notification.created, notification.updated, counts, app.<type>; replay with Last-Event-ID")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    private static async Task StreamAsync(HttpContext http, InboxStore store, InboxStreamHub hub, InboxEventReader events,
        ITopicStreamSource topics,
        NpgsqlDataSource db, string? lastEventId, IConfiguration config, IHostApplicationLifetime lifetime, TenantSuspension suspension,
        CancellationToken aborted)
    {
        // A stream ends when the service stops, too: Kestrel would otherwise wait for it until the shutdown timeout, and
        // the browser reconnects (with its Last-Event-ID) to whichever replica answers next. It also ends when its tenant
        // is suspended, with a `suspended` event saying so (a reconnect is then refused with a 403, which EventSource
        // does not retry).
        using var suspended = new CancellationTokenSource();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(aborted, lifetime.ApplicationStopping, suspended.Token);
        var tenantId = EndUser.From(http.User).TenantId;
        void OnStatusChange(Guid tenant)
        {
            if (tenant == tenantId || tenant == Guid.Empty) _ = CloseIfSuspendedAsync();
        }
        async Task CloseIfSuspendedAsync()
        {
            try { if (await suspension.IsSuspendedAsync(tenantId, aborted)) suspended.Cancel(); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException) { }
        }
        suspension.Changed += OnStatusChange;
        try { await StreamUntilAsync(http, store, hub, events, topics, db, lastEventId, config, stopping.Token); }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && http.Response.HasStarted) { }
        catch (OperationCanceledException) when (suspended.IsCancellationRequested && !aborted.IsCancellationRequested) { }
        finally { suspension.Changed -= OnStatusChange; }
        if (!suspended.IsCancellationRequested || aborted.IsCancellationRequested) return;
        if (http.Response.HasStarted)
            await WriteAsync(http.Response.BodyWriter,
                "event: suspended\ndata: {\"reason\":\"this tenant is suspended by the service's operator\"}\n\n", aborted);
        else await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Tenant suspended").ExecuteAsync(http);
    }

    private static async Task StreamUntilAsync(HttpContext http, InboxStore store, InboxStreamHub hub, InboxEventReader events,
        ITopicStreamSource topics, NpgsqlDataSource db, string? lastEventId, IConfiguration config, CancellationToken ct)
    {
        var user = EndUser.From(http.User);
        var raw = http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } h ? h : lastEventId is { Length: > 0 } q ? q : null;
        StreamPosition? resumeFrom = null;
        if (raw is not null)
            resumeFrom = StreamPosition.Parse(raw)
                ?? throw RequestValidationException.For("lastEventId", "Last-Event-ID must be an id this stream sent.");
        var keepAlive = TimeSpan.FromSeconds(config.GetValue("Inbox:KeepAliveSeconds", KeepAlive.TotalSeconds));
        var max = config.GetValue("Inbox:MaxStreamsPerUser", DefaultMaxStreamsPerUser);
        var maxPerTenant = config.GetValue("Inbox:MaxStreamsPerTenant", DefaultMaxStreamsPerTenant);

        // Before reading where we start. Each stream holds a connection and its buffers: one user (one leaked token) may
        // not hold the replica's capacity, nor may one tenant (its users together, or tokens minted for many userIds).
        // Counted per replica, where the streams' memory is.
        using var subscription = hub.TrySubscribe(user.TenantId, user.UserId, max, maxPerTenant, out var full)
            ?? throw new TooManyRequestsException(full == InboxStreamHub.Full.Tenant
                ? $"This tenant already has {maxPerTenant} live streams open (Inbox:MaxStreamsPerTenant, per replica); " +
                  $"try again when some have closed."
                : $"This user already has {max} live streams open (Inbox:MaxStreamsPerUser, per replica); " +
                  "close one first (one EventSource per browser, shared by its tabs, is enough).");
        var topicPosition = await LoadTopicsAsync(hub, subscription, topics, user, ct);   // its topics too
        var (lastSeq, oldest) = await PositionAsync(db, user, ct);

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";   // nginx: do not buffer the stream
        var body = http.Response.BodyWriter;
        await WriteAsync(body, $"retry: {RetryMs}\n\n", ct);

        var now = new StreamPosition(lastSeq, topicPosition.LastSeq);
        StreamPosition cursor;
        if (resumeFrom is { } from && Replayable(from.Own, lastSeq, oldest)
            && Replayable(from.Topic, topicPosition.LastSeq, topicPosition.OldestSeq))
            cursor = from;                                               // the tables still hold everything after it
        else
        {
            if (resumeFrom is not null)
                await WriteEventAsync(body, now, "reset", """{"reason":"events since that id are no longer kept; refetch"}""", ct);
            var counts = await store.CountsAsync(user.TenantId, user.UserId, ct);
            await WriteEventAsync(body, now, "counts",
                $$"""{"unread":{{counts.Unread}},"unseen":{{counts.Unseen}},"total":{{counts.Total}}}""", ct);
            cursor = now;
        }

        var reads = InboxStreamHub.Reads.Own | InboxStreamHub.Reads.TopicEvents;
        long heard = 0;
        var covered = Coverage.None;   // nothing handed over is trusted before the first table read
        var handed = new List<HandedTopicEvent>();   // reused: what the hub handed since the last wake-up
        while (!ct.IsCancellationRequested)
        {
            if (reads != InboxStreamHub.Reads.None)
            {
                heard = hub.Generation;   // before the read: a reconnect during it makes the next quiet tick read again
                // Bit tests rather than HasFlag, which boxed here: 10,000 streams woken by one event allocated 20,000 boxes.
                if ((reads & InboxStreamHub.Reads.TopicList) != 0) await LoadTopicsAsync(hub, subscription, topics, user, ct);
                if ((reads & InboxStreamHub.Reads.Own) != 0) cursor = await SendOwnAfterAsync(events, body, user, cursor, ct);
                if ((reads & InboxStreamHub.Reads.TopicEvents) != 0)
                {
                    (cursor, covered) = await SendTopicEventsAsync(hub, subscription, topics, body, user, cursor, covered, handed, ct);
                    handed.Clear();   // sent or superseded by a table read: not kept until the next wake-up
                }
            }
            try
            {
                var woken = await subscription.WaitAsync(Jittered(keepAlive), ct);
                if (!woken) await WriteAsync(body, ": keep-alive\n\n", ct);
                // A quiet tick reads only if the LISTEN connection was down at some point since the last read. Reading on
                // every tick cost 10,000 idle streams 667 statements/s, a quarter of a core in the service and a fifth in
                // PostgreSQL on 2 cores (BENCHMARKS.md, "Live stream"), which the sends' latency then queued behind.
                // Woken, it reads what the wake-ups asked for: its own events, its topics' events, or both.
                reads = woken ? subscription.TakePending()
                    : hub.HeardEverythingSince(heard) ? InboxStreamHub.Reads.None : InboxStreamHub.Reads.All;
                if (reads == InboxStreamHub.Reads.All) covered = Coverage.None;   // announcements may have gone unheard
            }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>
    /// A keep-alive wait of 75–100 % of the interval, drawn anew each time. Streams woken together (one event to a topic
    /// with 10,000 members) otherwise fell quiet together and all wrote their keep-alives in the same instant 15 s later: a
    /// burst of 10,000 writes that queued the live events behind it for seconds (BENCHMARKS.md, "Topics: the keep-alive
    /// burst"). Never longer than the interval, so proxies' idle timeouts see what they saw before.
    /// </summary>
    private static TimeSpan Jittered(TimeSpan keepAlive) => keepAlive * (0.75 + 0.25 * Random.Shared.NextDouble());

    /// <summary>Whether a stream can resume at <paramref name="from"/> of a sequence that is at <paramref name="last"/> and keeps
    /// events from <paramref name="oldest"/> on: everything after it is still stored.</summary>
    private static bool Replayable(long from, long last, long? oldest) =>
        from <= last && (from == last || (oldest is { } o && o <= from + 1));

    /// <summary>The user's topics into the hub's index (again if the hub changed them meanwhile), and the topic events' position.</summary>
    private static async Task<TopicStreamPosition> LoadTopicsAsync(InboxStreamHub hub, InboxStreamHub.Subscription subscription,
        ITopicStreamSource topics, EndUser user, CancellationToken ct)
    {
        while (true)
        {
            var version = InboxStreamHub.TopicsVersionOf(subscription);
            var position = await topics.PositionAsync(user.TenantId, user.UserId, ct);
            if (hub.SetTopics(subscription, position.Topics, version)) return position;
        }
    }

    /// <summary>Writes every stored event of the user's own after the cursor, in order; returns the cursor after the last.</summary>
    private static async Task<StreamPosition> SendOwnAfterAsync(InboxEventReader events, PipeWriter body, EndUser user,
        StreamPosition cursor, CancellationToken ct)
    {
        while (true)
        {
            var read = await events.AfterAsync(user.TenantId, user.UserId, cursor.Own, ReadBatch, ct);
            if (read.Count > 0)
            {
                foreach (var e in read) SseFrames.Event(body, cursor = cursor with { Own = e.Seq }, e.Kind, e.Payload);
                await body.FlushAsync(ct);
            }
            if (read.Count < ReadBatch) return cursor;
        }
    }

    /// <summary>Up to which topic-event number a stream has sent everything of its topics, as of which
    /// <see cref="InboxStreamHub.Subscription.CoverageVersion"/>.</summary>
    private readonly record struct Coverage(long Seq, long Version)
    {
        public static readonly Coverage None = new(-1, -1);
    }

    /// <summary>
    /// The topic events the hub handed over, when they provably follow what this stream sent (its coverage reaches where
    /// the hub's unbroken hearing began, and the hub has not changed its membership since); otherwise, from the first that
    /// does not, a read of the table after the cursor, which then vouches for everything the hub had heard before it.
    /// </summary>
    private static async ValueTask<(StreamPosition, Coverage)> SendTopicEventsAsync(InboxStreamHub hub,
        InboxStreamHub.Subscription subscription, ITopicStreamSource topics, PipeWriter body, EndUser user, StreamPosition cursor,
        Coverage covered, List<HandedTopicEvent> handed, CancellationToken ct)
    {
        subscription.TakeHanded(handed);
        // Woken for hand-offs that an earlier call already took: nothing new, and nothing the hub could not vouch for (it
        // invalidates the coverage whenever it wakes a stream for a table read).
        if (handed.Count == 0 && covered.Version == subscription.CoverageVersion) return (cursor, covered);
        var written = false;
        var trusted = handed.Count > 0 && covered.Version == subscription.CoverageVersion;
        foreach (var h in handed)
        {
            if (!(trusted &= covered.Seq >= h.Since)) break;
            if (h.Event.Seq > cursor.Topic) { SseFrames.Event(body, cursor = cursor with { Topic = h.Event.Seq }, h.Tail); written = true; }
            covered = covered with { Seq = Math.Max(covered.Seq, h.Event.Seq) };
        }
        if (written) await body.FlushAsync(ct);
        if (trusted) return (cursor, covered);
        // The table: what it returns after the cursor is everything of the stream's topics up to at least what the hub had
        // heard before the read began (those events had committed); what was handed and not sent is in it, or not the user's.
        var version = subscription.CoverageVersion;
        var heard = hub.LastHeard(user.TenantId);
        cursor = await SendTopicEventsAfterAsync(topics, body, user, cursor, ct);
        return (cursor, new Coverage(Math.Max(cursor.Topic, heard), version));
    }

    /// <summary>Writes the events of the user's topics after the cursor, in order, as `app.&lt;type&gt;`; returns the cursor after
    /// the last.</summary>
    private static async Task<StreamPosition> SendTopicEventsAfterAsync(ITopicStreamSource topics, PipeWriter body, EndUser user,
        StreamPosition cursor, CancellationToken ct)
    {
        while (true)
        {
            var read = await topics.AfterAsync(user.TenantId, user.UserId, cursor.Topic, ReadBatch, ct);
            if (read.Count > 0)
            {
                foreach (var e in read)
                    SseFrames.Event(body, cursor = cursor with { Topic = e.Seq }, InboxStore.AppEventKind(e.Type), e.Data);
                await body.FlushAsync(ct);
            }
            if (read.Count < ReadBatch) return cursor;
        }
    }

    /// <summary>The user's last event id and the oldest one still kept (null when none is).</summary>
    private static async Task<(long LastSeq, long? Oldest)> PositionAsync(NpgsqlDataSource db, EndUser user, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select coalesce((select last_seq from inbox_counters where tenant_id = $1 and user_id = $2), 0),
                   (select min(seq) from inbox_events where tenant_id = $1 and user_id = $2)
            """);
        cmd.Parameters.AddWithValue(user.TenantId);
        cmd.Parameters.AddWithValue(user.UserId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1));
    }

    private static async ValueTask WriteEventAsync(PipeWriter body, StreamPosition id, string kind, string json, CancellationToken ct)
    {
        SseFrames.Event(body, id, kind, json);
        await body.FlushAsync(ct);
    }

    private static async ValueTask WriteAsync(PipeWriter body, string text, CancellationToken ct)
    {
        SseFrames.Text(body, text);
        await body.FlushAsync(ct);
    }
}
