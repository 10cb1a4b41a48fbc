using System.Text.Json.Nodes;
using NotificationService.Templates;

namespace NotificationService.Cli.Tree;

/// <summary>One thing wrong in a tree, at a file and line (0: the whole file), as compilers print it.</summary>
public sealed record TreeProblem(string File, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}

/// <summary>
/// Offline checks of a tree with the service's own template engine: every JSON file a push reads is well formed, every
/// template folder names a channel the service has, every template compiles with the layout and partials the tree holds,
/// and, where a template folder has a `sample.json`, every variable the template requires is in it (a send with that
/// data would otherwise fail). Problems name the file and line, so an editor can jump there. A tree with no problem is
/// one a push can read.
/// </summary>
public static class TreeValidator
{
    private const string TemplateManifest = "template.json";
    private const string SampleData = "sample.json";

    public static IReadOnlyList<TreeProblem> Validate(ConfigTree tree)
    {
        var problems = new List<TreeProblem>();
        CheckObjects(tree, problems);
        var partials = Sources(tree, "partials/");
        var layouts = Sources(tree, "layouts/");
        var engine = new TemplateEngine();
        foreach (var manifestPath in tree.Files.Keys.Where(p => p.StartsWith("templates/", StringComparison.Ordinal)
            && p.EndsWith("/" + TemplateManifest, StringComparison.Ordinal)))
        {
            var folder = manifestPath[..^(TemplateManifest.Length + 1)];
            if (FolderProblem(folder) is { } wrongPlace)
            {
                problems.Add(new TreeProblem(manifestPath, 0, wrongPlace));
                continue;
            }
            if (JsonShape.Read(tree, manifestPath, problems, ("description", FieldKind.Text), ("layout", FieldKind.Text),
                    ("optionalVariables", FieldKind.TextList), ("published", FieldKind.Flag), ("parts", FieldKind.Object))
                is not { } manifest) continue;
            var layoutName = (string?)manifest["layout"];
            if (layoutName is not null && !layouts.ContainsKey(layoutName))
            {
                problems.Add(new TreeProblem(manifestPath, JsonShape.LineOf(tree.Files[manifestPath], "layout"),
                    $"The layout \"{layoutName}\" is not in layouts/."));
                continue;
            }
            var parts = tree.Files.Where(f => f.Key.StartsWith(folder + "/", StringComparison.Ordinal)
                    && f.Key.EndsWith(".hbs", StringComparison.Ordinal)
                    && !f.Key[(folder.Length + 1)..].Contains('/'))
                .Select(f => new TemplatePart(TreeNames.FromFileName(f.Key[(folder.Length + 1)..^4]), f.Value,
                    f.Key.EndsWith("/html.hbs", StringComparison.Ordinal))).ToList();
            var optional = ((JsonArray?)manifest["optionalVariables"] ?? []).Select(v => (string)v!).ToArray();
            var definition = new TemplateDefinition(Guid.Empty, folder, parts, partials,
                layoutName is null ? null : layouts[layoutName], optional);
            var errors = engine.Validate(definition);
            problems.AddRange(errors.Select(e => new TreeProblem(FileOf(folder, e.Part, layoutName), e.Line, e.Message)));
            var samplePath = $"{folder}/{SampleData}";
            if (errors.Count == 0 && tree.Files.ContainsKey(samplePath) && JsonShape.Read(tree, samplePath, problems) is { } sample)
                foreach (var missing in engine.MissingVariables(definition, sample))
                    problems.Add(new TreeProblem(samplePath, 0, $"The template uses \"{missing}\", which the sample data does not have."));
        }
        return problems;
    }

    /// <summary>The template folders of a tree: what a push sends, and what validate counts.</summary>
    public static int TemplateCount(ConfigTree tree) => tree.Files.Keys.Count(p => p.StartsWith("templates/", StringComparison.Ordinal)
        && p.EndsWith("/" + TemplateManifest, StringComparison.Ordinal) && FolderProblem(p[..^(TemplateManifest.Length + 1)]) is null);

    /// <summary>Why a folder holding a `template.json` is not one a push can send (null: it is).</summary>
    private static string? FolderProblem(string folder)
    {
        var segments = folder.Split('/');
        if (segments.Length != 3 || segments[2].IndexOf('.') is <= 0 || segments[2].EndsWith('.'))
            return "A template is a folder templates/KEY/CHANNEL.LOCALE/ (such as templates/welcome/email.en/).";
        var channel = TreeNames.FromFileName(segments[2][..segments[2].IndexOf('.')]);
        return TreeLayout.Channels.Contains(channel) ? null
            : $"\"{channel}\" is not a channel; a template folder is CHANNEL.LOCALE with one of {string.Join(", ", TreeLayout.Channels)}.";
    }

    /// <summary>The other JSON files a push reads (the manifest, workflows, descriptions, categories, topics).</summary>
    private static void CheckObjects(ConfigTree tree, List<TreeProblem> problems)
    {
        foreach (var path in tree.Files.Keys.Where(p => TreeLayout.IsConfigurationFile(p) && p.EndsWith(".json", StringComparison.Ordinal)))
            _ = path.Split('/')[0] switch
            {
                ConfigTree.ManifestFile => JsonShape.Read(tree, path, problems, ("format", FieldKind.Text), ("revision", FieldKind.Text)),
                "workflows" => JsonShape.Read(tree, path, problems, ("name", FieldKind.Text), ("category", FieldKind.Text),
                    ("published", FieldKind.Flag), ("definition", FieldKind.Object)),
                "layouts" or "partials" => JsonShape.Read(tree, path, problems, ("description", FieldKind.Text)),
                "categories" or "topics" => JsonShape.Read(tree, path, problems),
                _ => null,   // templates are checked with their folder; providers and webhook endpoints are not pushed
            };
    }

    private static Dictionary<string, string> Sources(ConfigTree tree, string folder) => tree.Files
        .Where(f => f.Key.StartsWith(folder, StringComparison.Ordinal) && f.Key.EndsWith(".hbs", StringComparison.Ordinal))
        .ToDictionary(f => TreeNames.FromFileName(f.Key[folder.Length..^4]), f => f.Value, StringComparer.Ordinal);

    /// <summary>The engine names a part, "layout" or "partial:NAME"; the tree has a file for each.</summary>
    private static string FileOf(string folder, string part, string? layout) => part switch
    {
        "layout" when layout is not null => $"layouts/{TreeNames.ToFileName(layout)}.hbs",
        _ when part.StartsWith("partial:", StringComparison.Ordinal) => $"partials/{TreeNames.ToFileName(part["partial:".Length..])}.hbs",
        _ => $"{folder}/{TreeNames.ToFileName(part)}.hbs",
    };
}
