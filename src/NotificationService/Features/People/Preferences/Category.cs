namespace NotificationService.Features.People.Preferences;

/// <summary>
/// A tenant's kind of notification (order updates, marketing, security alerts) that users opt in and out of per
/// channel. <see cref="Channels"/> is the tenant's default per channel (a channel not named is on).
/// </summary>
public sealed record Category(
    string Key, string Name, string? Description, IReadOnlyDictionary<string, bool> Channels, bool Required, bool Commercial,
    bool IsDefault, string QuietHours, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>The tenant's default for this channel: on unless the category turns it off.</summary>
    public bool DefaultFor(string channel) => !Channels.TryGetValue(channel, out var on) || on;
}

/// <summary>`POST /api/v1/admin/categories` and `PUT /{key}` (where `key` may be left out).</summary>
public sealed record CategoryRequest
{
    public string? Key { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    /// <summary>The tenant's default per channel; a channel not named is on.</summary>
    public Dictionary<string, bool>? Channels { get; init; }
    /// <summary>Cannot be opted out of (and ignores quiet hours): security alerts, receipts required by law.</summary>
    public bool? Required { get; init; }
    /// <summary>Email of this category carries RFC 8058 one-click unsubscribe headers.</summary>
    public bool? Commercial { get; init; }
    /// <summary>The category of a send that names none (at most one per tenant; setting it moves the flag).</summary>
    public bool? IsDefault { get; init; }
    /// <summary>What quiet hours do to this category unless the user says otherwise: `hold` (deliver at the window's end) or
    /// `drop`.</summary>
    public string? QuietHours { get; init; }
}

/// <summary>A tenant's categories as the send path and the worker read them (cached per tenant).</summary>
public sealed class TenantCategories(IReadOnlyList<Category> all)
{
    public static readonly TenantCategories None = new([]);

    private readonly Dictionary<string, Category> _byKey = all.ToDictionary(c => c.Key, StringComparer.Ordinal);

    public IReadOnlyList<Category> All { get; } = all;
    public bool Any => All.Count > 0;
    public Category? Default { get; } = all.FirstOrDefault(c => c.IsDefault);

    public Category? Find(string? key) => key is not null && _byKey.TryGetValue(key, out var c) ? c : null;

    /// <summary>
    /// The category a send gets. A tenant with categories: `category` must name one (else <paramref name="error"/>), and a
    /// send naming none gets the tenant's default category (if it flagged one). A tenant without categories keeps
    /// `category` as the free label it always was, so existing senders keep working.
    /// </summary>
    public string? ForSend(string? requested, out string? error)
    {
        error = null;
        if (!Any) return requested;
        if (requested is null) return Default?.Key;
        if (Find(requested) is null) error = $"The tenant has no category '{requested}'.";
        return requested;
    }
}
