using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotificationService.Contracts;

/// <summary>
/// Action buttons of an in_app item (`actions: [{label, url}]`, at most two): in inline content (`content.actions`)
/// and in an in_app template (`parts.actions`). Label and url are template text like every part; the url is held to
/// <see cref="LinkRules"/> at save (its literal start) and again on what it rendered to.
/// </summary>
public static class InboxActionRules
{
    public const int MaxActions = 2, MaxLabelLength = 100;

    /// <summary>Adds an error per bad action, keyed `{path}[i].label` / `{path}[i].url`.</summary>
    public static void Check(IReadOnlyList<(string? Label, string? Url)> actions, string path, IDictionary<string, string[]> errors,
        LinkPolicy links)
    {
        if (actions.Count > MaxActions) { errors[path] = [$"At most {MaxActions} actions."]; return; }
        for (var i = 0; i < actions.Count; i++)
        {
            var (label, url) = actions[i];
            if (string.IsNullOrWhiteSpace(label) || label.Length > MaxLabelLength)
                errors[$"{path}[{i}].label"] = [$"An action's label is 1 to {MaxLabelLength} characters."];
            if (string.IsNullOrEmpty(url)) errors[$"{path}[{i}].url"] = ["An action needs a url."];
            else if (LinkRules.CheckTemplate(url, links) is { } bad) errors[$"{path}[{i}].url"] = [bad];
        }
    }

    /// <summary>`parts.actions` of a template: an array of `{label, url}` string templates (null when it is not that shape).</summary>
    public static List<(string? Label, string? Url)>? Read(JsonNode? value, string path, IDictionary<string, string[]> errors)
    {
        if (value is not JsonArray items) { errors[path] = ["actions is an array of {label, url}."]; return null; }
        var result = new List<(string?, string?)>();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not JsonObject o) { errors[$"{path}[{i}]"] = ["An action is {label, url}."]; continue; }
            foreach (var (k, v) in o)
                if (k is not ("label" or "url")) errors[$"{path}[{i}].{k}"] = [$"Unknown property '{k}': expected label, url."];
                else if (v is not JsonValue s || s.GetValueKind() != JsonValueKind.String)
                    errors[$"{path}[{i}].{k}"] = [$"{k} is a template string."];
            result.Add((Str(o["label"]), Str(o["url"])));
        }
        return result;
    }

    private static string? Str(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
