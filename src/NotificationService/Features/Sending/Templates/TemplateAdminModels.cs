using System.Text.Json.Nodes;

namespace NotificationService.Features.Sending.Templates;

/// <summary>Create (`POST`) and update (`PUT {id}`) body. On update key, channel and locale may be repeated
/// (so a client can PUT back what it got) but not changed. `layout` names a tenant email layout.</summary>
public sealed record TemplateRequest
{
    public string? Key { get; init; }
    public string? Channel { get; init; }
    public string? Locale { get; init; }
    public string? Description { get; init; }
    public JsonObject? Parts { get; init; }
    public string[]? OptionalVariables { get; init; }
    public string? Layout { get; init; }
}

/// <summary>`POST {id}/publish`: the version number to publish; the latest when absent.</summary>
public sealed record PublishRequest
{
    public int? Version { get; init; }
    /// <summary>Publish even though the version requires variables recent sends of the template did not carry (409 otherwise).</summary>
    public bool? ConfirmMissingVariables { get; init; }
}

/// <summary>`POST {id}/preview`. Locale is the culture for helpers (defaults to the template's locale);
/// version defaults to the latest, so a draft can be checked before it is published. `{{recipient.*}}` comes from the
/// stored profile of <see cref="UserId"/>, or from a sample profile in <see cref="Recipient"/> (one or the other).</summary>
public sealed record PreviewRequest
{
    public JsonObject? Data { get; init; }
    public string? Locale { get; init; }
    public int? Version { get; init; }
    /// <summary>Render for this user, with their stored profile as `recipient`.</summary>
    public string? UserId { get; init; }
    /// <summary>A sample profile (userId, email, phone, name, locale, timezone, avatarUrl, data) as `recipient`.</summary>
    public JsonObject? Recipient { get; init; }
}

/// <summary>`POST {id}/test-send`: a real notification through the tenant's provider, pinned to the
/// given version (default: the latest), so a draft can be tried on a real inbox before it is published.</summary>
public sealed record FragmentRequest
{
    public string? Source { get; init; }
    public string? Description { get; init; }
}

/// <summary>A template with its latest version's content.</summary>
public sealed record TemplateView(
    Guid Id, string Key, string Channel, string Locale, string? Description,
    int LatestVersion, int? PublishedVersion, JsonObject Parts, string[] OptionalVariables, string? Layout,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record TemplatePage(IReadOnlyList<TemplateView> Items, string? NextCursor);

/// <summary>One immutable version; Partials lists the partial names copied into it when it was saved.</summary>
public sealed record VersionView(
    Guid Id, int Version, bool Published, JsonObject Parts, string[] OptionalVariables, string? Layout, string[] Partials,
    DateTimeOffset CreatedAt);

public sealed record PreviewResult(int Version, IReadOnlyDictionary<string, string> Parts, IReadOnlyList<string> Variables,
    IReadOnlyList<string> MissingVariables);

