using System.Text.Json.Nodes;

namespace NotificationService.Client;

/// <summary>
/// What a send, a batch and a CSV job have in common: the channel(s), the template or inline content, the data the
/// template reads, and how to send it. Null fields are left out of the request.
/// </summary>
public abstract record SendOptions
{
    /// <summary>One channel: email, sms, whatsapp, push, in_app or chat. Give this or <see cref="Channels"/>.</summary>
    public string? Channel { get; init; }
    /// <summary>Several channels: one notification per channel.</summary>
    public IReadOnlyList<string>? Channels { get; init; }
    /// <summary>A published template key; or give <see cref="Content"/>.</summary>
    public string? Template { get; init; }
    /// <summary>Inline content (template text over <see cref="Data"/>).</summary>
    public MessageContent? Content { get; init; }
    /// <summary>What the template reads.</summary>
    public JsonObject? Data { get; init; }
    /// <summary>The template variant (BCP 47); else the profile's, else the tenant default.</summary>
    public string? Locale { get; init; }
    /// <summary>A tenant notification category (preferences are per category).</summary>
    public string? Category { get; init; }
    /// <summary>high, normal (default) or low.</summary>
    public string? Priority { get; init; }
    /// <summary>Send later (at most a year ahead).</summary>
    public DateTimeOffset? SendAt { get; init; }
    /// <summary>Your own fields, returned in statuses and webhooks.</summary>
    public JsonObject? Metadata { get; init; }
    /// <summary>in_app only: when the item leaves the inbox.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>in_app only: items sharing a thread show as one row.</summary>
    public string? Thread { get; init; }
    /// <summary>Deliver past opt-outs and quiet hours (needs the notifications:override scope).</summary>
    public bool? OverridePreferences { get; init; }
}

/// <summary><c>POST /services/notifications/send</c>: one recipient (or topics) on one or more channels.</summary>
public sealed record SendRequest : SendOptions
{
    /// <summary>Who receives it.</summary>
    public Recipient? Recipient { get; init; }
}

/// <summary>Who a send is for: a userId (the profile gives the address at delivery), an address, or topics.</summary>
public sealed record Recipient
{
    /// <summary>Your user's id.</summary>
    public string? UserId { get; init; }
    /// <summary>An email address (wins over the profile's, for this send).</summary>
    public string? Email { get; init; }
    /// <summary>An E.164 phone number.</summary>
    public string? Phone { get; init; }
    /// <summary>Push device tokens.</summary>
    public IReadOnlyList<string>? DeviceTokens { get; init; }
    /// <summary>A chat destination (wins over the profile's, for this send).</summary>
    public ChatDestination? Chat { get; init; }
    /// <summary>A JSON Merge Patch of the user's profile, applied with the send (needs users:write).</summary>
    public JsonObject? Profile { get; init; }
    /// <summary>Send to every member of these topics instead (a fan-out).</summary>
    public IReadOnlyList<string>? Topics { get; init; }
    /// <summary>With topics: members left out.</summary>
    public IReadOnlyList<string>? ExcludeUserIds { get; init; }
}

/// <summary>Inline content: template text over the send's data.</summary>
public sealed record MessageContent
{
    /// <summary>The subject (email) or title (in_app, push).</summary>
    public string? Subject { get; init; }
    /// <summary>Another name for the subject.</summary>
    public string? Title { get; init; }
    /// <summary>The text body.</summary>
    public string? Body { get; init; }
    /// <summary>The HTML body (email).</summary>
    public string? Html { get; init; }
    /// <summary>in_app action buttons (at most two).</summary>
    public IReadOnlyList<MessageAction>? Actions { get; init; }
}

/// <summary>An in_app action button.</summary>
public sealed record MessageAction
{
    /// <summary>Its label (template text).</summary>
    public string? Label { get; init; }
    /// <summary>Where it goes (template text).</summary>
    public string? Url { get; init; }
}

/// <summary>One notification the service accepted (202).</summary>
public sealed record AcceptedNotification : ApiModel
{
    /// <summary>The notification's id.</summary>
    public Guid Id { get; init; }
    /// <summary>Its status when accepted (queued).</summary>
    public string Status { get; init; } = "";
    /// <summary>Its channel.</summary>
    public string Channel { get; init; } = "";
    /// <summary>Where its status is read.</summary>
    public string StatusUrl { get; init; } = "";
}

/// <summary>
/// What a send answers: the notifications it created (one per channel), or, for a send to topics, the fan-out that
/// creates them.
/// </summary>
public sealed record SendResult
{
    /// <summary>One per channel; empty for a send to topics.</summary>
    public IReadOnlyList<AcceptedNotification> Notifications { get; init; } = [];
    /// <summary>The fan-out of a send to topics; null otherwise.</summary>
    public FanOutAccepted? FanOut { get; init; }
    /// <summary>The service answered an earlier call with the same Idempotency-Key: nothing new was sent.</summary>
    public bool Replayed { get; init; }
}

/// <summary>A notification's status and history.</summary>
public sealed record Notification : ApiModel
{
    /// <summary>Its id.</summary>
    public Guid Id { get; init; }
    /// <summary>Its channel.</summary>
    public string Channel { get; init; } = "";
    /// <summary>Its status (see <see cref="NotificationStatuses"/>).</summary>
    public string Status { get; init; } = "";
    /// <summary>high, normal or low.</summary>
    public string? Priority { get; init; }
    /// <summary>Who it is for (as given).</summary>
    public RecipientAddress? Recipient { get; init; }
    /// <summary>Its template key, if any.</summary>
    public string? Template { get; init; }
    /// <summary>Its locale.</summary>
    public string? Locale { get; init; }
    /// <summary>Its category.</summary>
    public string? Category { get; init; }
    /// <summary>The metadata it was sent with.</summary>
    public JsonNode? Metadata { get; init; }
    /// <summary>Its batch, if it came from one.</summary>
    public Guid? BatchId { get; init; }
    /// <summary>Delivery attempts made.</summary>
    public int Attempts { get; init; }
    /// <summary>The provider kind that sent it.</summary>
    public string? Provider { get; init; }
    /// <summary>The provider's message id.</summary>
    public string? ProviderMessageId { get; init; }
    /// <summary>Why it failed or was skipped.</summary>
    public string? LastError { get; init; }
    /// <summary>When it was accepted.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>When it is scheduled for.</summary>
    public DateTimeOffset? SendAt { get; init; }
    /// <summary>When the provider took it.</summary>
    public DateTimeOffset? SentAt { get; init; }
    /// <summary>Every status change, oldest first.</summary>
    public IReadOnlyList<StatusChange> History { get; init; } = [];
}

/// <summary>An address as the service shows it.</summary>
public sealed record RecipientAddress : ApiModel
{
    /// <summary>The userId.</summary>
    public string? UserId { get; init; }
    /// <summary>The email address.</summary>
    public string? Email { get; init; }
    /// <summary>The phone number.</summary>
    public string? Phone { get; init; }
}

/// <summary>One line of a notification's history.</summary>
public sealed record StatusChange : ApiModel
{
    /// <summary>The status reached.</summary>
    public string Status { get; init; } = "";
    /// <summary>What made the change (api, worker, provider…).</summary>
    public string? Source { get; init; }
    /// <summary>Detail (an error, the attempt).</summary>
    public string? Detail { get; init; }
    /// <summary>When.</summary>
    public DateTimeOffset At { get; init; }
}

/// <summary>A notification as a list shows it.</summary>
public sealed record NotificationSummary : ApiModel
{
    /// <summary>Its id.</summary>
    public Guid Id { get; init; }
    /// <summary>Its channel.</summary>
    public string Channel { get; init; } = "";
    /// <summary>Its status.</summary>
    public string Status { get; init; } = "";
    /// <summary>Who it is for.</summary>
    public RecipientAddress? Recipient { get; init; }
    /// <summary>Why it failed or was skipped.</summary>
    public string? LastError { get; init; }
    /// <summary>When it was accepted.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A fan-out accepted: a send or trigger to topics, expanded by the service.</summary>
public sealed record FanOutAccepted : ApiModel
{
    /// <summary>The fan-out's id.</summary>
    public Guid Id { get; init; }
    /// <summary>pending at first.</summary>
    public string Status { get; init; } = "";
    /// <summary>The topics named.</summary>
    public IReadOnlyList<string> Topics { get; init; } = [];
    /// <summary>The workflow (a trigger's fan-out).</summary>
    public string? Workflow { get; init; }
    /// <summary>The workflow version pinned (a trigger's fan-out).</summary>
    public int? Version { get; init; }
    /// <summary>Where its progress is read.</summary>
    public string StatusUrl { get; init; } = "";
}

/// <summary>A fan-out's progress.</summary>
public sealed record FanOutStatus : ApiModel
{
    /// <summary>Its id.</summary>
    public Guid Id { get; init; }
    /// <summary>pending, running, completed, failed or cancelled.</summary>
    public string Status { get; init; } = "";
    /// <summary>The topics.</summary>
    public IReadOnlyList<string> Topics { get; init; } = [];
    /// <summary>Members in the snapshot (once taken).</summary>
    public long? MembersTotal { get; init; }
    /// <summary>Members done.</summary>
    public long MembersDone { get; init; }
    /// <summary>Notifications created (a workflow fan-out: runs started).</summary>
    public long NotificationsCreated { get; init; }
    /// <summary>Runs started (a workflow fan-out).</summary>
    public long? RunsStarted { get; init; }
    /// <summary>0 to 100.</summary>
    public double Percent { get; init; }
    /// <summary>Why it failed.</summary>
    public string? Error { get; init; }
    /// <summary>When it was accepted.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it ended.</summary>
    public DateTimeOffset? FinishedAt { get; init; }
}

/// <summary><c>POST /services/events</c>: a live event on users' or topics' members' open streams.</summary>
public sealed record LiveEvent
{
    /// <summary>Who hears it: userIds or topics (one of them).</summary>
    public LiveEventTargets? To { get; init; }
    /// <summary>Its type (the stream event is <c>app.&lt;type&gt;</c>).</summary>
    public string? Type { get; init; }
    /// <summary>Any JSON, at most 16 KB.</summary>
    public JsonNode? Data { get; init; }
}

/// <summary>The users or the topics a live event goes to.</summary>
public sealed record LiveEventTargets
{
    /// <summary>Up to 1,000 userIds.</summary>
    public IReadOnlyList<string>? UserIds { get; init; }
    /// <summary>Topic keys.</summary>
    public IReadOnlyList<string>? Topics { get; init; }
}

/// <summary>A live event accepted.</summary>
public sealed record LiveEventAccepted : ApiModel
{
    /// <summary>Its type.</summary>
    public string Type { get; init; } = "";
    /// <summary>Users whose streams got it (to users).</summary>
    public int? Users { get; init; }
    /// <summary>The topics (to topics).</summary>
    public IReadOnlyList<string>? Topics { get; init; }
    /// <summary>The topic-event number it took (to topics).</summary>
    public long? Sequence { get; init; }
}
