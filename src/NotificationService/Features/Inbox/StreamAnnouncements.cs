namespace NotificationService.Features.Inbox;

/// <summary>
/// What other features NOTIFY on the inbox channel, inside their own transactions, so that every replica's
/// <see cref="InboxStreamHub"/> hears it exactly when the change commits. Payloads carry ids only; a user's own changes
/// are `tenant:user` (InboxStore's statements), a topic's are prefixed.
/// </summary>
public static class StreamAnnouncements
{
    public const string Channel = InboxStore.NotifyChannel;
    public const string TopicEventPrefix = "topic:";
    public const string MembersPrefix = "members:";

    /// <summary>A live event was published to the topic: wake the streams of its members.</summary>
    public static string TopicEvent(Guid tenantId, string topic) => $"{TopicEventPrefix}{tenantId}:{topic}";

    /// <summary>The topic's membership changed (or it was deleted): replicas re-check which of their streams are members.</summary>
    public static string Members(Guid tenantId, string topic) => $"{MembersPrefix}{tenantId}:{topic}";

    /// <summary>The tenant and topic of a prefixed payload, or null when it is not one.</summary>
    internal static (Guid Tenant, string Topic)? Parse(string payload, string prefix)
    {
        var rest = payload.AsSpan(prefix.Length);
        if (rest.Length < 38 || rest[36] != ':' || !Guid.TryParse(rest[..36], out var tenant)) return null;
        return (tenant, rest[37..].ToString());
    }
}
