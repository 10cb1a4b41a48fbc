using System.Text.Json.Nodes;
using NotificationService.Features.People.Preferences;

namespace NotificationService.Features.Administration.ConfigAsCode;

/// <summary>One template (key, channel, locale) as a tree holds it: its latest content, and whether that is published.</summary>
public sealed record PushedTemplate(string? Key, string? Channel, string? Locale, string? Description, string? Layout,
    string[]? OptionalVariables, JsonObject? Parts, bool Published);

public sealed record PushedFragment(string? Name, string? Source, string? Description);

public sealed record PushedWorkflow(string? Key, JsonObject? Definition, bool Published);

public sealed record PushedTopic(string? Key, string? Name, string? Description);

/// <summary>
/// `POST /api/v1/admin/config/push`: the objects of a tree, the revision the tree was pulled at (`GET
/// /api/v1/admin/config`), and what to do. Objects the tenant has and the document does not name are left alone: a push
/// creates and changes, never deletes. Providers and webhook endpoints are not pushed (their secrets never leave the service).
/// </summary>
public sealed record ConfigPushRequest
{
    public string? Revision { get; init; }
    /// <summary>Push even though the tenant changed since <see cref="Revision"/>.</summary>
    public bool Force { get; init; }
    /// <summary>Apply everything, then roll it back: the answer says what a push would do, with every check a push makes.</summary>
    public bool DryRun { get; init; }
    /// <summary>Publish each changed object the tree marks published; without it changes are saved as drafts.</summary>
    public bool Publish { get; init; }
    public List<PushedFragment>? Layouts { get; init; }
    public List<PushedFragment>? Partials { get; init; }
    public List<CategoryRequest>? Categories { get; init; }
    public List<PushedTopic>? Topics { get; init; }
    public List<PushedTemplate>? Templates { get; init; }
    public List<PushedWorkflow>? Workflows { get; init; }
}

/// <summary>What a push did (or, in a dry run, would do) to one object: created, changed, published.</summary>
public sealed record PushChange(string Object, string Action);

/// <summary>The answer: each change, whether it was applied, and the tenant's revision after it (record it in the tree).</summary>
public sealed record ConfigPushResult(IReadOnlyList<PushChange> Changes, bool Applied, string Revision);

/// <summary>`GET /api/v1/admin/config`: the tenant's export document and its revision.</summary>
public sealed record ConfigSnapshot(string Revision, Platform.TenantExportDocument Export);
