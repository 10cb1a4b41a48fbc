using System.Text.Json.Nodes;

namespace NotificationService.Cli.Tree;

/// <summary>
/// A tree as the service's push document (`POST /api/v1/admin/config/push`): the inverse of <see cref="TreeLayout"/> for
/// what a push applies (layouts, partials, categories, topics, templates, workflows). Providers and webhook endpoints stay
/// in the tree for review and diff, and are not pushed: their secrets never leave the service. Names are read back from
/// file names (<see cref="TreeNames"/>), so an object is pushed under the name it was pulled with.
/// </summary>
public static class TreePush
{
    public static JsonObject Document(ConfigTree tree)
    {
        var doc = new JsonObject
        {
            ["layouts"] = Fragments(tree, "layouts"), ["partials"] = Fragments(tree, "partials"),
            ["categories"] = Objects(tree, "categories", "key"), ["topics"] = Objects(tree, "topics", "key"),
            ["templates"] = Templates(tree), ["workflows"] = Workflows(tree),
        };
        if (tree.Revision is { } revision) doc["revision"] = revision;
        return doc;
    }

    /// <summary>Which file of the tree holds the object a push names by its place (`templates[2].parts.html` → its part file).</summary>
    public static string? FileOf(ConfigTree tree, string field)
    {
        var (bracket, close) = (field.IndexOf('['), field.IndexOf(']'));
        if (bracket < 0 || close < bracket || !int.TryParse(field[(bracket + 1)..close], out var index)) return null;
        var kind = field[..bracket];
        var rest = field[(close + 1)..].TrimStart('.');
        var files = kind switch
        {
            "templates" => TemplateFolders(tree).Select(f => rest.StartsWith("parts.", StringComparison.Ordinal)
                    && tree.Files.ContainsKey($"{f}/{rest[6..]}.hbs")
                ? $"{f}/{rest[6..]}.hbs" : $"{f}/template.json").ToList(),
            "layouts" or "partials" => Names(tree, kind, ".hbs").Select(n => $"{kind}/{n}.hbs").ToList(),
            _ => Names(tree, kind, ".json").Select(n => $"{kind}/{n}.json").ToList(),
        };
        return index < files.Count ? files[index] : null;
    }

    private static JsonArray Fragments(ConfigTree tree, string kind) => new(Names(tree, kind, ".hbs")
        .Select(name => (JsonNode)new JsonObject
    {
        ["name"] = TreeNames.FromFileName(name), ["source"] = tree.Files[$"{kind}/{name}.hbs"],
        ["description"] = tree.Files.ContainsKey($"{kind}/{name}.json")
            ? tree.ReadJson($"{kind}/{name}.json")["description"]?.DeepClone() : null,
    }).ToArray());

    private static JsonArray Objects(ConfigTree tree, string kind, string keyName) => new(Names(tree, kind, ".json").Select(name =>
    {
        var o = tree.ReadJson($"{kind}/{name}.json");
        o[keyName] = TreeNames.FromFileName(name);
        return (JsonNode)o;
    }).ToArray());

    private static JsonArray Templates(ConfigTree tree) => new(TemplateFolders(tree).Select(folder =>
    {
        var manifest = tree.ReadJson($"{folder}/template.json");
        var segments = folder.Split('/');
        var dot = segments[2].IndexOf('.');
        var parts = (JsonObject?)manifest["parts"]?.DeepClone() ?? [];
        foreach (var (path, source) in tree.Files.Where(f => f.Key.StartsWith(folder + "/", StringComparison.Ordinal)
                     && f.Key.EndsWith(".hbs", StringComparison.Ordinal) && !f.Key[(folder.Length + 1)..].Contains('/')))
            parts[TreeNames.FromFileName(path[(folder.Length + 1)..^4])] = source;
        return (JsonNode)new JsonObject
        {
            ["key"] = TreeNames.FromFileName(segments[1]), ["channel"] = TreeNames.FromFileName(segments[2][..dot]),
            ["locale"] = TreeNames.FromFileName(segments[2][(dot + 1)..]),
            ["description"] = manifest["description"]?.DeepClone(), ["layout"] = manifest["layout"]?.DeepClone(),
            ["optionalVariables"] = manifest["optionalVariables"]?.DeepClone() ?? new JsonArray(), ["parts"] = parts,
            ["published"] = (bool?)manifest["published"] ?? false,
        };
    }).ToArray());

    private static JsonArray Workflows(ConfigTree tree) => new(Names(tree, "workflows", ".json").Select(key =>
    {
        var file = tree.ReadJson($"workflows/{key}.json");
        return (JsonNode)new JsonObject
        {
            ["key"] = TreeNames.FromFileName(key), ["definition"] = file["definition"]?.DeepClone(),
            ["published"] = (bool?)file["published"] ?? false,
        };
    }).ToArray());

    private static List<string> TemplateFolders(ConfigTree tree) => tree.Files.Keys
        .Where(p => p.StartsWith("templates/", StringComparison.Ordinal) && p.EndsWith("/template.json", StringComparison.Ordinal)
            && TreeLayout.IsConfigurationFile(p))
        .Select(p => p[..^"/template.json".Length]).ToList();

    private static List<string> Names(ConfigTree tree, string folder, string extension) => tree.Files.Keys
        .Where(p => p.StartsWith(folder + "/", StringComparison.Ordinal) && p.EndsWith(extension, StringComparison.Ordinal)
            && !p[(folder.Length + 1)..].Contains('/'))
        .Select(p => p[(folder.Length + 1)..^extension.Length]).ToList();
}
