using System.Text.Json.Nodes;
using NotificationService.Features.Tenancy.Audit;

namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// An audit entry said in words: "published workflow `escalation` version 3", "changed subject, html". The object is
/// named by what the entry's own before/after snapshot calls it (a template's key, channel and locale; a provider's or
/// key's name; a webhook's URL), so nothing is looked up at render and an object deleted since is still named; an entry
/// whose snapshot holds no name falls back to its target id.
/// </summary>
public static class AuditWords
{
    /// <summary>Fields every save moves (ids, times, version counters): said by the sentence's version, not listed as changes.</summary>
    private static readonly HashSet<string> Bookkeeping =
        ["id", "createdAt", "updatedAt", "latestVersion", "publishedVersion", "version", "versions"];

    public static string Sentence(AuditEntry e)
    {
        var dot = e.Action.LastIndexOf('.');
        var verb = dot < 0 ? e.Action : e.Action[(dot + 1)..];
        var noun = Noun(e.TargetType);
        var version = Number(e.After, verb is "publish" or "rollback" ? ["publishedVersion", "version"] : ["latestVersion", "version"]);
        var what = verb switch
        {
            "create" => "created", "update" => "changed", "save" => "saved", "delete" => "deleted", "publish" => "published",
            "rollback" => "rolled back", "revoke" => "revoked", "retry" => "retried", "replay" => "replayed a delivery of",
            "rotate_secret" => "rotated the signing secret of", "replace" => "replaced", "remove" => "removed",
            "erase" => "started erasing a user:",
            "cancel" => "cancelled", "resume" => "resumed", "suspend" => "suspended", "export" => "exported", "import" => "imported into",
            _ => verb.Replace('_', ' '),
        };
        var sentence = $"{what} {noun} {Name(e)}";
        return verb is "publish" or "rollback" && version is not null ? $"{sentence} {(verb == "rollback" ? "to " : "")}version {version}"
            : verb is "create" or "update" && version is not null && e.TargetType is "template" or "workflow"
                ? $"{sentence}, version {version}"
            : sentence;
    }

    /// <summary>What changed, as field names ("subject, html"); empty when the entry is a creation, a deletion or changed only
    /// bookkeeping.</summary>
    public static string Changed(IReadOnlyList<FieldChange> changes) => string.Join(", ", changes
        .Where(c => c.Before is not null || c.After is not null)
        .Select(c => c.Field.StartsWith("parts.", StringComparison.Ordinal) ? c.Field["parts.".Length..] : c.Field)
        .Where(f => !Bookkeeping.Contains(f))
        .Distinct());

    private static string Noun(string targetType) => targetType switch
    {
        "api_key" => "API key", "dead_job" or "job" => "job", "web_origins" => "the web origins", "erase_job" => "erase job",
        "settings" => "the tenant settings", _ => targetType.Replace('_', ' '),
    };

    private static string Name(AuditEntry e)
    {
        if (e.TargetType is "web_origins" or "settings") return "";
        var snapshot = e.After ?? e.Before;
        if (Text(snapshot, "key") is { } key)
            return Text(snapshot, "channel") is { } channel
                ? $"`{key}` ({string.Join(", ", new[] { channel, Text(snapshot, "locale") }.OfType<string>())})"
                : $"`{key}`";
        if (Text(snapshot, "name") is { } name) return $"`{name}`";
        if ((Text(snapshot, "url") ?? Text(snapshot?["endpoint"], "url")) is { } url) return url;
        return e.TargetId is null ? "" : e.TargetType is "template" or "workflow" or "category" ? $"`{e.TargetId}`" : e.TargetId;
    }

    private static string? Text(JsonNode? node, string field) =>
        node is JsonObject o && o[field] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;

    private static int? Number(JsonNode? node, string[] fields) =>
        fields.Select(f => node is JsonObject o && o[f] is JsonValue v && v.TryGetValue<int>(out var n) ? n : (int?)null)
            .FirstOrDefault(n => n is not null);
}
