using System.Text.Json.Nodes;

namespace NotificationService.Client;

/// <summary>A recipient profile to write (<c>PUT /services/users/{userId}</c> replaces the whole profile).</summary>
public sealed record UserProfile
{
    /// <summary>Email address.</summary>
    public string? Email { get; init; }
    /// <summary>E.164 phone number.</summary>
    public string? Phone { get; init; }
    /// <summary>The name (one field).</summary>
    public string? Name { get; init; }
    /// <summary>BCP 47, e.g. fr-CA.</summary>
    public string? Locale { get; init; }
    /// <summary>IANA, e.g. Europe/Paris.</summary>
    public string? Timezone { get; init; }
    /// <summary>https only.</summary>
    public string? AvatarUrl { get; init; }
    /// <summary>Free JSON, at most 16 KB.</summary>
    public JsonObject? Data { get; init; }
    /// <summary>Where the chat channel reaches this person.</summary>
    public ChatDestination? Chat { get; init; }
}

/// <summary>A stored recipient profile.</summary>
public sealed record User : ApiModel
{
    /// <summary>Your user's id.</summary>
    public string UserId { get; init; } = "";
    /// <summary>Email address.</summary>
    public string? Email { get; init; }
    /// <summary>Phone number.</summary>
    public string? Phone { get; init; }
    /// <summary>Name.</summary>
    public string? Name { get; init; }
    /// <summary>Locale.</summary>
    public string? Locale { get; init; }
    /// <summary>Time zone.</summary>
    public string? Timezone { get; init; }
    /// <summary>Avatar URL.</summary>
    public string? AvatarUrl { get; init; }
    /// <summary>Free JSON.</summary>
    public JsonObject? Data { get; init; }
    /// <summary>Where the chat channel reaches this person.</summary>
    public ChatDestination? Chat { get; init; }
    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A filter for the users list: exact email or phone, or a userId prefix.</summary>
public sealed record UserQuery
{
    /// <summary>Exact email, any case.</summary>
    public string? Email { get; init; }
    /// <summary>Exact E.164 phone.</summary>
    public string? Phone { get; init; }
    /// <summary>userIds starting with this.</summary>
    public string? UserIdPrefix { get; init; }
    /// <summary>Page size, 1 to 200.</summary>
    public int? Limit { get; init; }
}

/// <summary>One user of a bulk identify: a profile with its userId; <see cref="Merge"/> to merge instead of replace.</summary>
public sealed record BulkUser
{
    /// <summary>Your user's id.</summary>
    public required string UserId { get; init; }
    /// <summary>true: merge into the stored profile (RFC 7396); else replace it.</summary>
    public bool? Merge { get; init; }
    /// <summary>Email address.</summary>
    public string? Email { get; init; }
    /// <summary>E.164 phone number.</summary>
    public string? Phone { get; init; }
    /// <summary>Name.</summary>
    public string? Name { get; init; }
    /// <summary>Locale.</summary>
    public string? Locale { get; init; }
    /// <summary>Time zone.</summary>
    public string? Timezone { get; init; }
    /// <summary>Avatar URL.</summary>
    public string? AvatarUrl { get; init; }
    /// <summary>Free JSON.</summary>
    public JsonObject? Data { get; init; }
    /// <summary>Where the chat channel reaches this person.</summary>
    public ChatDestination? Chat { get; init; }
}

internal sealed record BulkUsersBody(IReadOnlyList<BulkUser> Users);

/// <summary>What a bulk identify did, user by user in request order.</summary>
public sealed record BulkUsersResult : ApiModel
{
    /// <summary>One per user, at its index.</summary>
    public IReadOnlyList<BulkUserOutcome> Results { get; init; } = [];
}

/// <summary>One user's outcome: created, updated, or error with its fields.</summary>
public sealed record BulkUserOutcome : ApiModel
{
    /// <summary>Its index in the request.</summary>
    public int Index { get; init; }
    /// <summary>Its userId.</summary>
    public string? UserId { get; init; }
    /// <summary>created, updated or error.</summary>
    public string Status { get; init; } = "";
    /// <summary>The bad fields, for an error.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }
}

/// <summary>An erase accepted.</summary>
public sealed record ErasureAccepted : ApiModel
{
    /// <summary>The erase job.</summary>
    public Guid JobId { get; init; }
    /// <summary>running.</summary>
    public string Status { get; init; } = "";
    /// <summary>Where its progress is read.</summary>
    public string StatusUrl { get; init; } = "";
}

/// <summary>An erase job's progress and what it erased.</summary>
public sealed record Erasure : ApiModel
{
    /// <summary>Its id.</summary>
    public Guid JobId { get; init; }
    /// <summary>running or completed.</summary>
    public string Status { get; init; } = "";
    /// <summary>The phase it is in.</summary>
    public string? Phase { get; init; }
    /// <summary>The userId is refused from now on.</summary>
    public bool Block { get; init; }
    /// <summary>What it erased, by kind.</summary>
    public JsonObject? Counts { get; init; }
    /// <summary>When it was asked for.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it ended.</summary>
    public DateTimeOffset? FinishedAt { get; init; }
}

/// <summary>An end-user token for your app to call <c>/api/v1/users/me</c>.</summary>
public sealed record UserToken : ApiModel
{
    /// <summary>The JWT.</summary>
    public string Token { get; init; } = "";
    /// <summary>When it expires.</summary>
    public DateTimeOffset ExpiresAt { get; init; }
}

internal sealed record MintTokenBody(int? ExpiresInSeconds);

/// <summary>A push device to register or remove.</summary>
public sealed record Device
{
    /// <summary>Whose device.</summary>
    public required string UserId { get; init; }
    /// <summary>The push token.</summary>
    public required string Token { get; init; }
    /// <summary>android, ios or web (to register).</summary>
    public string? Platform { get; init; }
}

/// <summary>A device registered.</summary>
public sealed record DeviceRegistration : ApiModel
{
    /// <summary>Whose device.</summary>
    public string UserId { get; init; } = "";
    /// <summary>android, ios or web.</summary>
    public string? Platform { get; init; }
    /// <summary>Whether it receives pushes.</summary>
    public bool Active { get; init; }
}

/// <summary>A user's notification preferences (a PUT replaces them all).</summary>
public sealed record PreferencesUpdate
{
    /// <summary>Channel on/off for every category.</summary>
    public IReadOnlyDictionary<string, bool?>? Channels { get; init; }
    /// <summary>Category → channel → on/off.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, bool?>>? Categories { get; init; }
    /// <summary>Quiet hours.</summary>
    public JsonObject? QuietHours { get; init; }
    /// <summary>Topic → false to mute it.</summary>
    public IReadOnlyDictionary<string, bool?>? Topics { get; init; }
}

/// <summary>A user's preferences as stored, and what applies now.</summary>
public sealed record Preferences : ApiModel
{
    /// <summary>Whose.</summary>
    public string UserId { get; init; } = "";
    /// <summary>Channel on/off.</summary>
    public IReadOnlyDictionary<string, bool> Channels { get; init; } = new Dictionary<string, bool>();
    /// <summary>Category → channel → on/off.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, bool>> Categories { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, bool>>();
    /// <summary>Quiet hours.</summary>
    public JsonObject? QuietHours { get; init; }
    /// <summary>Topic → on/off.</summary>
    public IReadOnlyDictionary<string, bool> Topics { get; init; } = new Dictionary<string, bool>();
    /// <summary>Per category and channel, what applies now.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, bool>> Effective { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, bool>>();
}
