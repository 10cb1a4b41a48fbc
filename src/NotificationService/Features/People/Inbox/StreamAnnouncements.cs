namespace NotificationService.Features.People.Inbox;

/// <summary>
/// What other features NOTIFY on the inbox channel, inside their own transactions, so that every replica's
/// <see cref="InboxStreamHub"/> hears it exactly when the change commits. Payloads carry ids only; a user's own changes
/// are `tenant:user` (InboxStore's statements), a topic's are prefixed.
/// </summary>
public static class StreamAnnouncements
{
    public const string Channel = InboxStore.NotifyChannel;
    /// <summary>`topic-event:{tenant}:{seq}:{topic}`: the tenant's topic event number seq was published to the topic (one
    /// per topic it names). The publishing statement builds it, since the number is taken there.</summary>
    public const string TopicEventPrefix = "topic-event:";
    /// <summary>`topic:{tenant}:{topic}`, without the number: what replicas before 2026-11-24 listen for. Still sent beside
    /// the numbered one, so that a rolling deploy keeps waking their streams; no longer read.</summary>
    public const string LegacyTopicEventPrefix = "topic:";
    public const string MembersPrefix = "members:";

    /// <summary>The topic's membership changed (or it was deleted): replicas re-check which of their streams are members.</summary>
    public static string Members(Guid tenantId, string topic) => $"{MembersPrefix}{tenantId}:{topic}";

    /// <summary>The tenant, event number and topic of a <see cref="TopicEventPrefix"/> payload, or null when it is not one.</summary>
    internal static (Guid Tenant, long Seq, string Topic)? ParseTopicEvent(string payload)
    {
        if (Parse(payload, TopicEventPrefix) is not { } x) return null;
        var colon = x.Topic.IndexOf(':');
        return colon > 0 && long.TryParse(x.Topic.AsSpan(0, colon), out var seq) && seq > 0
            ? (x.Tenant, seq, x.Topic[(colon + 1)..])
            : null;
    }

    /// <summary>The tenant and topic of a prefixed payload, or null when it is not one.</summary>
    internal static (Guid Tenant, string Topic)? Parse(string payload, string prefix)
    {
        var rest = payload.AsSpan(prefix.Length);
        if (rest.Length < 38 || rest[36] != ':' || !Guid.TryParse(rest[..36], out var tenant)) return null;
        return (tenant, rest[37..].ToString());
    }
}
