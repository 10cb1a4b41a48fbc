using NotificationService.Features.Sending.Templates;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Administration.ConfigAsCode;

/// <summary>
/// Checks of a push document as a whole, made before anything is written. An object named twice is a 400 at its second
/// place: applied in turn, the second would otherwise be refused as "already exists" by its store (a 409 about the tenant,
/// when the fault is the document's), or silently win over the first.
/// </summary>
public static class ConfigDocumentChecks
{
    public static void RequireEachObjectOnce(ConfigPushRequest req)
    {
        var errors = new Dictionary<string, string[]>();
        Once("layouts", "name", req.Layouts, f => f?.Name, errors);
        Once("partials", "name", req.Partials, f => f?.Name, errors);
        Once("categories", "key", req.Categories, c => c?.Key, errors);
        Once("topics", "key", req.Topics, t => t?.Key, errors);
        Once("templates", "key", req.Templates, TemplateIdentity, errors);
        Once("workflows", "key", req.Workflows, w => w?.Key, errors);
        if (errors.Count > 0) throw new RequestValidationException(errors);
    }

    /// <summary>A template is its key, channel and locale, the locale as the service stores it (`en-gb` is `en-GB`).</summary>
    private static string? TemplateIdentity(PushedTemplate? t) =>
        t?.Key is null ? null : $"{t.Key}/{t.Channel}/{TemplateRules.NormalizeLocale(t.Locale) ?? t.Locale}";

    private static void Once<T>(string list, string field, List<T>? items, Func<T, string?> identity, Dictionary<string, string[]> errors)
    {
        var first = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < (items?.Count ?? 0); i++)
        {
            if (identity(items![i]) is not { } id) continue;   // a missing key is the object's own check's to name
            if (first.TryAdd(id, i)) continue;
            errors[$"{list}[{i}].{field}"] = [$"{list}[{first[id]}] names the same object: name each once."];
        }
    }
}
