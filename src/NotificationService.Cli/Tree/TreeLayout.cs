using System.Text.Json.Nodes;

namespace NotificationService.Cli.Tree;

/// <summary>
/// Where each object of an export goes. A template is a folder `templates/KEY/CHANNEL.LOCALE/` holding each text part
/// as `PART.hbs` and a small `template.json` (description, layout, optional variables, structured parts such as push
/// data or actions, and whether that content is the published version). Layouts and partials are `.hbs` files (a
/// `.json` beside one only when it has a description); workflows, categories, topics and providers are one JSON file
/// each; webhook endpoints are one `webhooks.json` list ordered by URL (an endpoint has no name to file it under).
/// Secrets are never in an export, so never here: a provider lists only the names of the secrets it has. Names become
/// file names through <see cref="TreeNames"/>; two providers of a channel whose names would be one file (the same name,
/// or names differing only in case) are each filed as `NAME~ID.json`, so both are kept, always under the same names.
/// </summary>
internal static class TreeLayout
{
    public static readonly string[] Folders =
        ["templates", "layouts", "partials", "workflows", "categories", "topics", "providers", "webhooks"];

    /// <summary>The service's channels (ChannelNames.All there): a template folder is `CHANNEL.LOCALE` for one of them.</summary>
    public static readonly string[] Channels = ["email", "sms", "push", "whatsapp", "in_app", "chat"];

    private static readonly string[] Volatile = ["id", "createdAt", "updatedAt", "memberCount", "previousSecretExpiresAt"];

    /// <summary>
    /// Whether <paramref name="path"/> is a file `pull` writes (for some configuration): the only files a pull replaces
    /// or deletes, and the only ones `diff` compares. Anything else in the directory (a template folder's `sample.json`, a
    /// README, `.git`) is the user's.
    /// </summary>
    public static bool IsConfigurationFile(string path) => path.Split('/') switch
    {
        [ConfigTree.ManifestFile] or ["webhooks", "webhooks.json"] => true,
        ["templates", _, var folder, var file] => folder.Contains('.') && (file == "template.json" || IsHbs(file)),
        ["layouts" or "partials", var file] => IsHbs(file) || IsJson(file),
        ["workflows" or "categories" or "topics", var file] => IsJson(file),
        ["providers", _, var file] => IsJson(file),
        _ => false,
    };

    private static bool IsHbs(string file) => file.Length > 4 && file.EndsWith(".hbs", StringComparison.Ordinal);
    private static bool IsJson(string file) => file.Length > 5 && file.EndsWith(".json", StringComparison.Ordinal);

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
        foreach (var channel in Items(export, "providers").GroupBy(p => Segment(p, "channel")))
            foreach (var sameFile in channel.GroupBy(p => Segment(p, "name"), StringComparer.OrdinalIgnoreCase).Select(g => g.ToList()))
                foreach (var p in sameFile)
                    AddProvider(tree, p, sameFile.Count == 1 ? Segment(p, "name") : $"{Segment(p, "name")}~{Segment(p, "id")}");
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
            if (value is JsonValue text && text.TryGetValue<string>(out var source))
                tree.AddText($"{folder}/{TreeNames.ToFileName(part)}.hbs", source);
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

    private static void AddProvider(ConfigTree tree, JsonObject p, string fileName)
    {
        var file = Without(p, "channel", "name", "secrets");
        // The export masks each secret's value; only its name is configuration.
        file["secretNames"] = new JsonArray(((JsonObject?)p["secrets"] ?? []).Select(s => s.Key).Order(StringComparer.Ordinal)
            .Select(k => (JsonNode)k!).ToArray());
        tree.AddJson($"providers/{Segment(p, "channel")}/{fileName}.json", file);
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
        TreeNames.ToFileName((string?)o[field] ?? throw new InvalidDataException($"An object without \"{field}\"."));
}
