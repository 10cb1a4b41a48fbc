namespace NotificationService.Features.Sending.Topics;

/// <summary>`PUT /topics/{key}`: a topic's name and description (both optional). `key` may repeat the path's.</summary>
public sealed record TopicRequest
{
    public string? Key { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
}

/// <summary>A topic as the API shows it; <see cref="MemberCount"/> is exact (a counter kept with every membership change).</summary>
public sealed record TopicView(string Key, string? Name, string? Description, long MemberCount, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record TopicPage(IReadOnlyList<TopicView> Items, string? NextCursor);

/// <summary>`POST` and `DELETE /topics/{key}/members`: up to 10,000 userIds.</summary>
public sealed record MembersRequest
{
    public string[]? UserIds { get; init; }
}

/// <summary>What a membership call changed: <see cref="Changed"/> rows really added (or removed), and the count after it.</summary>
public sealed record MembersChanged(string Key, int Changed, long MemberCount);

public sealed record TopicMember(string UserId, DateTimeOffset AddedAt);

public sealed record MemberPage(IReadOnlyList<TopicMember> Items, string? NextCursor);

/// <summary>One of a user's topics.</summary>
public sealed record UserTopic(string Key, string? Name, DateTimeOffset AddedAt);

public sealed record UserTopicPage(string UserId, IReadOnlyList<UserTopic> Items, string? NextCursor);
