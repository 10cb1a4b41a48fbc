namespace NotificationService.Features.People.Inbox;

/// <summary>One live event to a topic, as a member's stream sends it: the tenant's topic-event sequence, `type` and `data`
/// (JSON).</summary>
public sealed record TopicStreamEvent(long Seq, string Type, string Data);

/// <summary>
/// A user's topics, and where the tenant's topic events stand: the last sequence number and the oldest still kept (null
/// when none is).
/// </summary>
public sealed record TopicStreamPosition(IReadOnlyList<string> Topics, long LastSeq, long? OldestSeq);

/// <summary>
/// The topic half of a user's live stream. A topic event is stored once, numbered in the tenant's topic-event sequence,
/// and each member's stream reads it: the stream keeps two positions (its own sequence and the topic sequence) and its
/// event ids carry both. Implemented by the Topics feature, which owns topics, memberships and topic events; Inbox
/// declares it so that it depends on nothing of Topics.
/// </summary>
public interface ITopicStreamSource
{
    Task<TopicStreamPosition> PositionAsync(Guid tenantId, string userId, CancellationToken ct);

    /// <summary>Which of <paramref name="userIds"/> are members of the topic now.</summary>
    Task<IReadOnlySet<string>> MembersAmongAsync(Guid tenantId, string topic, IReadOnlyCollection<string> userIds, CancellationToken ct);

    /// <summary>
    /// The events of the user's topics (those it is a member of now, published after it joined) with a sequence number
    /// after <paramref name="after"/>, in order, each once however many of its topics it went to; at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<TopicStreamEvent>> AfterAsync(Guid tenantId, string userId, long after, int limit, CancellationToken ct);

    /// <summary>The tenant's topic event number <paramref name="seq"/>, or null when it is not (or no longer) kept.</summary>
    Task<TopicStreamEvent?> EventAsync(Guid tenantId, long seq, CancellationToken ct);
}
