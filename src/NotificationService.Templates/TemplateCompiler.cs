using System.Text;
using NotificationService.Templates.Analysis;

namespace NotificationService.Templates;

/// <summary>Validation and compilation of a <see cref="TemplateDefinition"/>: our static checks first
/// (sizes, helpers, blocks, partials, with exact positions), then Handlebars.Net's own parser.</summary>
internal static class TemplateCompiler
{
    public static TemplateAnalysis Analyze(TemplateDefinition definition)
    {
        var partials = definition.Partials ?? new Dictionary<string, string>();
        var analysis = new TemplateAnalysis();
        foreach (var (name, source) in Sources(definition))
            if (Encoding.UTF8.GetByteCount(source) > TemplateDataLimits.MaxTemplateBytes)
                analysis.Errors.Add(new TemplateError(name, 0, 0, $"Template is larger than {TemplateDataLimits.MaxTemplateBytes / 1024} KB."));
        if (analysis.Errors.Count > 0) return analysis;

        var analyzer = new TemplateAnalyzer(partials, analysis);
        foreach (var part in definition.Parts)
            analyzer.Analyze(part.Name, part.Source, Scope.Root(), conditional: false, partialStack: []);
        if (definition.Layout is not null)
            analyzer.Analyze("layout", definition.Layout, Scope.Root(), conditional: false, partialStack: [], isLayout: true);
        return analysis;
    }

    public static List<TemplateError> Validate(TemplateDefinition definition)
    {
        var analysis = Analyze(definition);
        if (analysis.Errors.Count > 0) return analysis.Errors;
        var errors = new List<TemplateError>();
        foreach (var name in analysis.PartialsUsed)
            Add(errors, CompileErrorTranslator.TryCompile("partial:" + name,
                () => { lock (CompileLock.Gate) HandlebarsEnvironmentFactory.Create(html: false).Compile(HandlebarsJsSourceRewriter.Rewrite(PartialParentPaths.Rewrite(definition.Partials![name]))); }));
        foreach (var part in definition.Parts)
            Add(errors, CompileErrorTranslator.TryCompile(part.Name,
                () => { lock (CompileLock.Gate) HandlebarsEnvironmentFactory.Create(part.IsHtml).Compile(HandlebarsJsSourceRewriter.Rewrite(part.Source)); }));
        if (definition.Layout is not null)
            Add(errors, CompileErrorTranslator.TryCompile("layout",
                () => { lock (CompileLock.Gate) HandlebarsEnvironmentFactory.Create(html: true).Compile(HandlebarsJsSourceRewriter.Rewrite(definition.Layout)); }));
        return errors;
    }

    /// <summary>Compiles a definition for rendering, or throws <see cref="TemplateValidationException"/>.</summary>
    public static CompiledTemplate Compile(TemplateDefinition definition)
    {
        var analysis = Analyze(definition);
        if (analysis.Errors.Count > 0) throw new TemplateValidationException(analysis.Errors);
        var optional = definition.OptionalVariables ?? [];
        var required = analysis.Required.Where(v => !IsOptional(v, optional)).ToList();
        var usedPartials = (definition.Partials ?? new Dictionary<string, string>())
            .Where(p => analysis.PartialsUsed.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value);
        try
        {
            return CompiledTemplate.Compile(definition with { Partials = usedPartials }, required);
        }
        catch (Exception)
        {
            // Compile each piece on its own to say which one failed and where.
            var errors = Validate(definition);
            if (errors.Count == 0) throw;
            throw new TemplateValidationException(errors);
        }
    }

    /// <summary>An optional variable also covers everything below it: optional "user" covers "user.name".</summary>
    public static bool IsOptional(string variable, IReadOnlyCollection<string> optional) =>
        optional.Any(o => variable == o || variable.StartsWith(o + ".", StringComparison.Ordinal) || variable.StartsWith(o + "[]", StringComparison.Ordinal));

    private static IEnumerable<(string Name, string Source)> Sources(TemplateDefinition definition)
    {
        foreach (var part in definition.Parts) yield return (part.Name, part.Source);
        foreach (var (name, source) in definition.Partials ?? new Dictionary<string, string>()) yield return ("partial:" + name, source);
        if (definition.Layout is not null) yield return ("layout", definition.Layout);
    }

    private static void Add(List<TemplateError> errors, TemplateError? error)
    {
        if (error is not null) errors.Add(error);
    }
}
