using System.Text.Json.Nodes;

namespace NotificationService.Cli.Tree;

/// <summary>
/// Where each object of an export goes. A template is a folder `templates/KEY/CHANNEL.LOCALE/` holding each text part
/// as `PART.hbs` and a small `template.json` (description, layout, optional variables, structured parts such as push
/// data or actions, and whether that content is the published version). Layouts and partials are `.hbs` files (a
/// `.json` beside one only when it has a description); workflows, categories, topics and providers are one JSON file
/// each; webhook endpoints are one `webhooks.json` list ordered by URL (an endpoint has no name to file it under).
/// Secrets are never in an export, so never here: a provider lists only the names of the secrets it has.
/// </summary>
internal static class TreeLayout
{
    public static readonly string[] Folders =
        ["templates", "layouts", "partials", "workflows", "categories", "topics", "providers", "webhooks"];

    private static readonly string[] Volatile = ["id", "createdAt", "updatedAt", "memberCount", "previousSecretExpiresAt"];

    public static ConfigTree Build(JsonObject export)
    {
        var tree = new ConfigTree();
        tree.AddJson(ConfigTree.ManifestFile, new JsonObject { ["format"] = ConfigTree.Format });
        foreach (var t in Items(export, "templates")) AddTemplate(tree, t);
        foreach (var kind in new[] { "layouts", "partials" })
            foreach (var f in Items(export, kind))
            {
                var name = Segment(f, "name");
                tree.AddText($"{kind}/{name}.hbs", (string?)f["source"] ?? "");
                if ((string?)f["description"] is { } description)
                    tree.AddJson($"{kind}/{name}.json", new JsonObject { ["description"] = description });
            }
        foreach (var w in Items(export, "workflows")) AddWorkflow(tree, w);
        foreach (var c in Items(export, "categories")) tree.AddJson($"categories/{Segment(c, "key")}.json", Without(c, "key"));
        foreach (var t in Items(export, "topics")) tree.AddJson($"topics/{Segment(t, "key")}.json", Without(t, "key"));
        foreach (var p in Items(export, "providers")) AddProvider(tree, p);
        var hooks = Items(export, "webhooks").OrderBy(h => (string?)h["url"], StringComparer.Ordinal)
            .Select(h => (JsonNode)Without(h)).ToArray();
        if (hooks.Length > 0) tree.AddJson("webhooks/webhooks.json", new JsonArray(hooks));
        return tree;
    }

    private static void AddTemplate(ConfigTree tree, JsonObject t)
    {
        var latest = ((JsonArray?)t["versions"] ?? []).OfType<JsonObject>().MaxBy(v => (int?)v["version"] ?? 0);
        if (latest is null) return;
        var folder = $"templates/{Segment(t, "key")}/{Segment(t, "channel")}.{Segment(t, "locale")}";
        var structured = new JsonObject();
        foreach (var (part, value) in (JsonObject?)latest["parts"] ?? [])
        {
            if (value is JsonValue text && text.TryGetValue<string>(out var source)) tree.AddText($"{folder}/{SafeName(part)}.hbs", source);
            else structured[part] = value?.DeepClone();
        }
        var manifest = new JsonObject
        {
            ["description"] = t["description"]?.DeepClone(), ["layout"] = latest["layout"]?.DeepClone(),
            ["optionalVariables"] = latest["optionalVariables"]?.DeepClone() ?? new JsonArray(),
            ["published"] = (int?)t["publishedVersion"] == (int?)latest["version"],
        };
        if (structured.Count > 0) manifest["parts"] = structured;
        tree.AddJson($"{folder}/template.json", manifest);
    }

    private static void AddWorkflow(ConfigTree tree, JsonObject w)
    {
        var latest = ((JsonArray?)w["versions"] ?? []).OfType<JsonObject>().Where(v => v["definition"] is not null)
            .MaxBy(v => (int?)v["version"] ?? 0);
        if (latest is null) return;
        tree.AddJson($"workflows/{Segment(w, "key")}.json", new JsonObject
        {
            ["name"] = w["name"]?.DeepClone(), ["category"] = w["category"]?.DeepClone(),
            ["published"] = (int?)w["publishedVersion"] == (int?)latest["version"], ["definition"] = latest["definition"]!.DeepClone(),
        });
    }

    private static void AddProvider(ConfigTree tree, JsonObject p)
    {
        var file = Without(p, "channel", "name", "secrets");
        // The export masks each secret's value; only its name is configuration.
        file["secretNames"] = new JsonArray(((JsonObject?)p["secrets"] ?? []).Select(s => s.Key).Order(StringComparer.Ordinal)
            .Select(k => (JsonNode)k!).ToArray());
        tree.AddJson($"providers/{Segment(p, "channel")}/{Segment(p, "name")}.json", file);
    }

    private static IEnumerable<JsonObject> Items(JsonObject export, string name) => ((JsonArray?)export[name] ?? []).OfType<JsonObject>();

    private static JsonObject Without(JsonObject o, params string[] names)
    {
        var copy = new JsonObject();
        foreach (var (k, v) in o)
            if (!Volatile.Contains(k) && !names.Contains(k)) copy[k] = v?.DeepClone();
        return copy;
    }

    private static string Segment(JsonObject o, string field) =>
        SafeName((string?)o[field] ?? throw new InvalidDataException($"An object without \"{field}\"."));

    /// <summary>A name becomes one path segment: never a separator or a way out of the tree.</summary>
    public static string SafeName(string name) =>
        name.Length == 0 || name is "." or ".." || name.IndexOfAny(['/', '\\', ':', '\0']) >= 0
            ? throw new InvalidDataException($"\"{name}\" cannot be a file name in the tree.") : name;
}
