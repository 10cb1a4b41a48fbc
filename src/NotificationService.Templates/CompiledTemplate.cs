using HandlebarsDotNet;

namespace NotificationService.Templates;

/// <summary>A template version compiled once and then rendered many times, from many threads.
/// Handlebars.Net compiled delegates are thread-safe; nothing here is mutated after construction.</summary>
internal sealed class CompiledTemplate
{
    public required IReadOnlyList<(TemplatePart Part, HandlebarsTemplate<TextWriter, object, object> Render)> Parts { get; init; }
    public HandlebarsTemplate<TextWriter, object, object>? Layout { get; init; }
    public required IReadOnlyList<string> RequiredVariables { get; init; }
    /// <summary><see cref="RequiredVariables"/> split at the dots once, not on every render.</summary>
    public required IReadOnlyList<string[]> RequiredPaths { get; init; }

    public static CompiledTemplate Compile(TemplateDefinition definition, IReadOnlyList<string> requiredVariables)
    {
        lock (CompileLock.Gate) return CompileLocked(definition, requiredVariables);
    }

    private static CompiledTemplate CompileLocked(TemplateDefinition definition, IReadOnlyList<string> requiredVariables)
    {
        var html = HandlebarsEnvironmentFactory.Create(html: true);
        var text = HandlebarsEnvironmentFactory.Create(html: false);
        foreach (var (name, source) in definition.Partials ?? new Dictionary<string, string>())
        {
            var compatible = HandlebarsJsSourceRewriter.Rewrite(PartialParentPaths.Rewrite(source));
            html.RegisterTemplate(name, compatible);
            text.RegisterTemplate(name, compatible);
        }
        var parts = definition.Parts
            .Select(part => (part, (part.IsHtml ? html : text).Compile(new StringReader(HandlebarsJsSourceRewriter.Rewrite(part.Source)))))
            .ToList();
        return new CompiledTemplate
        {
            Parts = parts,
            Layout = definition.Layout is null ? null
                : html.Compile(new StringReader(HandlebarsJsSourceRewriter.Rewrite(definition.Layout))),
            RequiredVariables = requiredVariables,
            RequiredPaths = requiredVariables.Select(v => v.Split('.')).ToList(),
        };
    }
}
