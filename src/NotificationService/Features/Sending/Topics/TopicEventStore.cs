using Npgsql;
using NotificationService.Contracts;
using NotificationService.Features.People.Inbox;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Topics;

/// <summary>
/// The one writer of `topic_events` and `topic_event_counters`, and the topic half of every live stream
/// (<see cref="ITopicStreamSource"/>). One event to a topic is one row however many members it has; each member's
/// stream reads it through its membership. Membership is read when the stream reads: a member removed stops hearing the
/// topic at once, and a member added hears what is published after it joined (not the topic's backlog). Reads from
/// concurrently woken streams go together into one statement, as <see cref="InboxEventReader"/> does for the inbox.
/// </summary>
public sealed partial class TopicEventStore : ITopicStreamSource, IAsyncDisposable
{
    private sealed class Read(Guid tenantId, string userId, long after, int limit)
    {
        public Guid TenantId { get; } = tenantId;
        public string UserId { get; } = userId;
        public long After { get; } = after;
        public int Limit { get; } = limit;
        public List<TopicStreamEvent> Events { get; } = [];
    }

    private readonly NpgsqlDataSource _db;
    private readonly TopicStore _topics;
    private readonly BatchingWriter<Read> _reads;

    public TopicEventStore(NpgsqlDataSource db, TopicStore topics)
    {
        _db = db;
        _topics = topics;
        _reads = new BatchingWriter<Read>(ReadAllAsync, maxBatch: 1000, parallelism: 2);
    }

    /// <summary>Stores the event once per topic and wakes the members' streams on every replica at commit; returns its number.</summary>
    public async Task<long> PublishAsync(Guid tenantId, string[] topicKeys, string type, string dataJson, CancellationToken ct)
    {
        await using var cmd = _db.CreateCommand(Sql.Publish);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(topicKeys);
        cmd.Parameters.AddWithValue(type);
        cmd.Parameters.AddWithValue(dataJson);
        cmd.Parameters.AddWithValue(StreamAnnouncements.Channel);
        cmd.Parameters.AddWithValue(StreamAnnouncements.TopicEventPrefix);
        cmd.Parameters.AddWithValue(StreamAnnouncements.LegacyTopicEventPrefix);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return r.GetInt64(0);
    }

    /// <summary>
    /// Erase: the tenant's topic events whose data mentions one of <paramref name="values"/> (lower-cased: the person's
    /// userId, addresses, name) are deleted. An event is stored once for all members, so it cannot be emptied for one of
    /// them; it is a live notice kept two days for replay, and a replay without it is what a late reconnect sees anyway.
    /// </summary>
    public async Task<int> ForgetMentionsAsync(Guid tenantId, string[] values, CancellationToken ct)
    {
        if (values.Length == 0) return 0;
        await using var cmd = _db.CreateCommand("""
            delete from topic_events where tenant_id = $1 and exists (select 1 from unnest($2::text[]) v where strpos(lower(data::text), v) > 0)
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(values);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<TopicStreamPosition> PositionAsync(Guid tenantId, string userId, CancellationToken ct)
    {
        await using var cmd = _db.CreateCommand(Sql.Position);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new TopicStreamPosition(r.GetFieldValue<string[]>(2), r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1));
    }

    public async Task<IReadOnlySet<string>> MembersAmongAsync(Guid tenantId, string topic, IReadOnlyCollection<string> userIds,
        CancellationToken ct) =>
        await _topics.MembersAmongAsync(tenantId, topic, userIds, ct);

    public async Task<TopicStreamEvent?> EventAsync(Guid tenantId, long seq, CancellationToken ct)
    {
        await using var cmd = _db.CreateCommand(Sql.Event);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(seq);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new TopicStreamEvent(seq, r.GetString(0), r.GetString(1)) : null;
    }

    public async Task<IReadOnlyList<TopicStreamEvent>> AfterAsync(Guid tenantId, string userId, long after, int limit, CancellationToken ct)
    {
        var read = new Read(tenantId, userId, after, limit);
        await _reads.WriteAsync(read).WaitAsync(ct);
        return read.Events;
    }

    private async Task ReadAllAsync(IReadOnlyList<Read> reads, CancellationToken ct)
    {
        foreach (var read in reads) read.Events.Clear();   // a failed group is retried one read at a time
        await using var cmd = _db.CreateCommand(Sql.After);
        cmd.Parameters.AddWithValue(reads.Select(r => r.TenantId).ToArray());
        cmd.Parameters.AddWithValue(reads.Select(r => r.UserId).ToArray());
        cmd.Parameters.AddWithValue(reads.Select(r => r.After).ToArray());
        cmd.Parameters.AddWithValue(reads.Select(r => r.Limit).ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            reads[(int)r.GetInt64(0) - 1].Events.Add(new TopicStreamEvent(r.GetInt64(1), r.GetString(2), r.GetString(3)));
    }

    public async Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct)
    {
        await using var cmd = _db.CreateCommand(Sql.Purge);
        cmd.Parameters.AddWithValue(olderThan.UtcDateTime);
        cmd.Parameters.AddWithValue(limit);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public ValueTask DisposeAsync() => _reads.DisposeAsync();
}

/// <summary>
/// Topic events are kept `Retention:TopicEvents:Days` (2 by default), like the users' own stream events: a reconnect
/// whose Last-Event-ID is older than that gets a `reset` event.
/// </summary>
public sealed class TopicEventRetention(TopicEventStore store) : IRetainedData
{
    public string Kind => "TopicEvents";

    public int DefaultDays => 2;

    public Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct) => store.PurgeAsync(olderThan, limit, ct);
}
