namespace NotificationService.Features.People.Preferences;

/// <summary>
/// One user's own choices, as `user_preferences` stores them and the API shows them. Anything not set falls back to
/// the tenant's category default, then to on. A null value in a PATCH removes the user's own setting.
/// </summary>
public sealed record PreferencesDocument
{
    /// <summary>Channel on/off for every category (a category × channel setting wins over it).</summary>
    public Dictionary<string, bool?>? Channels { get; init; }
    /// <summary>Category key → channel → on/off.</summary>
    public Dictionary<string, Dictionary<string, bool?>?>? Categories { get; init; }
    public QuietHoursDto? QuietHours { get; init; }
    /// <summary>Topic key → false to mute the topic: sends to it do not reach the user (true, or null in a PATCH, unmutes).</summary>
    public Dictionary<string, bool?>? Topics { get; init; }
    /// <summary>Category key → how often the user wants its digests (null in a PATCH removes the choice).</summary>
    public Dictionary<string, DigestCadenceDto?>? Digests { get; init; }
}

/// <summary>
/// A digest cadence: `immediate` (every event on its own), `hourly`, `daily` at `at` (HH:mm, local), or `weekly` on `day`
/// (mon…sun) at `at`. It replaces the window of the category's digest steps that follow the user's schedule.
/// </summary>
public sealed record DigestCadenceDto
{
    public string? Cadence { get; init; }
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? At { get; init; }
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Day { get; init; }
}

/// <summary>Weekly windows in the user's IANA time zone during which nothing is sent (in_app excepted).</summary>
public sealed record QuietHoursDto
{
    /// <summary>An IANA time zone, e.g. Europe/Paris.</summary>
    public string? TimeZone { get; init; }
    public List<QuietWindowDto>? Windows { get; init; }
    /// <summary>Category key → `hold` (deliver when the window ends) or `drop`; otherwise the category's own setting.</summary>
    public Dictionary<string, string>? Behaviour { get; init; }
}

/// <summary>From `start` to `end` (HH:mm or HH:mm:ss, local) on each of `days` (mon…sun); an end before the start ends the next
/// day.</summary>
public sealed record QuietWindowDto
{
    public List<string>? Days { get; init; }
    public string? Start { get; init; }
    public string? End { get; init; }
}

/// <summary>What GET answers: the user's own settings and, per tenant category and channel, what applies now.</summary>
public sealed record PreferencesView(
    string UserId,
    IReadOnlyDictionary<string, bool> Channels,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, bool>> Categories,
    QuietHoursDto? QuietHours,
    IReadOnlyDictionary<string, bool> Topics,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, bool>> Effective,
    IReadOnlyList<CategoryLabel> TenantCategories,
    IReadOnlyDictionary<string, DigestCadenceDto> Digests);

/// <summary>What a preferences screen shows of a tenant category: its name, and whether it is required (shown locked).</summary>
public sealed record CategoryLabel(string Key, string Name, string? Description, bool Required);

/// <summary>A validated, stored preference set (no nulls): what the worker evaluates.</summary>
public sealed record StoredPreferences(
    Dictionary<string, bool> Channels,
    Dictionary<string, Dictionary<string, bool>> Categories,
    QuietHoursDto? QuietHours,
    Dictionary<string, bool>? Topics = null,
    Dictionary<string, DigestCadenceDto>? Digests = null)
{
    /// <summary>The user's topic settings (false: muted).</summary>
    public Dictionary<string, bool> TopicSettings => Topics ?? [];

    /// <summary>The user's digest cadence per category.</summary>
    public Dictionary<string, DigestCadenceDto> DigestSettings => Digests ?? [];

    /// <summary>
    /// For a notification that reached the user through <paramref name="topics"/> (a send to topics): the first of them
    /// when the user muted every one, else null. A member of a muted topic and of another the send named still gets it.
    /// </summary>
    public string? MutedTopic(IReadOnlyList<string> topics) =>
        topics.Count > 0 && Topics is { Count: > 0 } own && topics.All(t => own.TryGetValue(t, out var on) && !on) ? topics[0] : null;

    public static readonly StoredPreferences Empty = new([], [], null);

    /// <summary>The quiet hours as the worker evaluates them (validated when stored; parsed once per load).</summary>
    public QuietHours? Quiet { get; } = PreferenceRules.Parse(QuietHours);

    /// <summary>
    /// The user's own answer for a category on a channel: their category × channel setting if they made one, else off if
    /// they turned the whole channel off, else no answer (the tenant's default decides). A channel switched on does not
    /// opt a user into a category the tenant leaves off by default.
    /// </summary>
    public bool? OwnChoice(string? category, string channel) =>
        category is not null && Categories.TryGetValue(category, out var perChannel) && perChannel.TryGetValue(channel, out var on) ? on
        : Channels.TryGetValue(channel, out var channelOn) && !channelOn ? false
        : null;
}
