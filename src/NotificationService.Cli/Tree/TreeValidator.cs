using System.Text.Json.Nodes;
using NotificationService.Templates;

namespace NotificationService.Cli.Tree;

/// <summary>One thing wrong in a tree, at a file and line (0: the whole file), as compilers print it.</summary>
public sealed record TreeProblem(string File, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}

/// <summary>
/// Offline checks of a tree with the service's own template engine: every template compiles with the layout and
/// partials the tree holds, and, where a template folder has a `sample.json`, every variable the template requires is
/// in it (a send with that data would otherwise fail). Problems name the file and line, so an editor can jump there.
/// </summary>
public static class TreeValidator
{
    private const string TemplateManifest = "template.json";
    private const string SampleData = "sample.json";

    public static IReadOnlyList<TreeProblem> Validate(ConfigTree tree)
    {
        var problems = new List<TreeProblem>();
        var partials = Sources(tree, "partials/");
        var layouts = Sources(tree, "layouts/");
        var engine = new TemplateEngine();
        foreach (var manifestPath in tree.Files.Keys.Where(p => p.StartsWith("templates/", StringComparison.Ordinal)
            && p.EndsWith("/" + TemplateManifest, StringComparison.Ordinal)))
        {
            var folder = manifestPath[..^(TemplateManifest.Length + 1)];
            JsonObject manifest;
            try { manifest = tree.ReadJson(manifestPath); }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
            {
                problems.Add(new TreeProblem(manifestPath, 0, "Not a JSON object: " + e.Message));
                continue;
            }
            var layoutName = (string?)manifest["layout"];
            if (layoutName is not null && !layouts.ContainsKey(layoutName))
            {
                problems.Add(new TreeProblem(manifestPath, 0, $"The layout \"{layoutName}\" is not in layouts/."));
                continue;
            }
            var parts = tree.Files.Where(f => f.Key.StartsWith(folder + "/", StringComparison.Ordinal)
                    && f.Key.EndsWith(".hbs", StringComparison.Ordinal)
                    && !f.Key[(folder.Length + 1)..].Contains('/'))
                .Select(f => new TemplatePart(f.Key[(folder.Length + 1)..^4], f.Value,
                    f.Key.EndsWith("/html.hbs", StringComparison.Ordinal))).ToList();
            var optional = ((JsonArray?)manifest["optionalVariables"] ?? []).Select(v => (string)v!).ToArray();
            var definition = new TemplateDefinition(Guid.Empty, folder, parts, partials,
                layoutName is null ? null : layouts[layoutName], optional);
            var errors = engine.Validate(definition);
            problems.AddRange(errors.Select(e => new TreeProblem(FileOf(folder, e.Part, layoutName), e.Line, e.Message)));
            if (errors.Count == 0 && tree.Files.TryGetValue($"{folder}/{SampleData}", out var sample))
                foreach (var missing in engine.MissingVariables(definition, JsonNode.Parse(sample)))
                    problems.Add(new TreeProblem($"{folder}/{SampleData}", 0,
                        $"The template uses \"{missing}\", which the sample data does not have."));
        }
        return problems;
    }

    private static Dictionary<string, string> Sources(ConfigTree tree, string folder) => tree.Files
        .Where(f => f.Key.StartsWith(folder, StringComparison.Ordinal) && f.Key.EndsWith(".hbs", StringComparison.Ordinal))
        .ToDictionary(f => f.Key[folder.Length..^4], f => f.Value, StringComparer.Ordinal);

    /// <summary>The engine names a part, "layout" or "partial:NAME"; the tree has a file for each.</summary>
    private static string FileOf(string folder, string part, string? layout) => part switch
    {
        "layout" when layout is not null => $"layouts/{layout}.hbs",
        _ when part.StartsWith("partial:", StringComparison.Ordinal) => $"partials/{part["partial:".Length..]}.hbs",
        _ => $"{folder}/{part}.hbs",
    };
}
