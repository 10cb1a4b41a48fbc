namespace NotificationService.Client;

/// <summary>A topic: a named group of your users, with its exact member count.</summary>
public sealed record Topic : ApiModel
{
    /// <summary>Its key.</summary>
    public string Key { get; init; } = "";
    /// <summary>Its name.</summary>
    public string? Name { get; init; }
    /// <summary>Its description.</summary>
    public string? Description { get; init; }
    /// <summary>Members, exactly.</summary>
    public long MemberCount { get; init; }
    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

internal sealed record TopicBody(string? Name, string? Description);

internal sealed record MembersBody(IReadOnlyList<string> UserIds);

/// <summary>What a members change did.</summary>
public sealed record MembersChanged : ApiModel
{
    /// <summary>The topic.</summary>
    public string Key { get; init; } = "";
    /// <summary>Members added or removed (those already in, or already out, are not counted).</summary>
    public int Changed { get; init; }
    /// <summary>Members now.</summary>
    public long MemberCount { get; init; }
}

/// <summary>A member of a topic.</summary>
public sealed record TopicMember : ApiModel
{
    /// <summary>The userId.</summary>
    public string UserId { get; init; } = "";
    /// <summary>When they joined.</summary>
    public DateTimeOffset AddedAt { get; init; }
}

/// <summary>One of a user's topics.</summary>
public sealed record UserTopic : ApiModel
{
    /// <summary>The topic's key.</summary>
    public string Key { get; init; } = "";
    /// <summary>The topic's name.</summary>
    public string? Name { get; init; }
    /// <summary>When the user joined it.</summary>
    public DateTimeOffset AddedAt { get; init; }
}
