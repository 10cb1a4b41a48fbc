using NotificationService.Templates.Analysis;

namespace NotificationService.Templates;

/// <summary>Validation and compilation of a <see cref="TemplateDefinition"/>: the bounds first (<see cref="TemplateLimits"/>,
/// measured without recursion, so nothing below ever sees an unbounded source), then our static checks (helpers,
/// blocks, partials, with exact positions), then Handlebars.Net's own parser, under the compile budget.</summary>
internal static class TemplateCompiler
{
    public static TemplateAnalysis Analyze(TemplateDefinition definition)
    {
        var partials = definition.Partials ?? new Dictionary<string, string>();
        var analysis = new TemplateAnalysis();
        foreach (var (name, source) in PartsAndLayout(definition))
        {
            var bounds = TemplateBounds.Measure(name, source);
            analysis.Errors.AddRange(bounds.Errors);
            analysis.AddNodes(name, bounds.Nodes);
        }
        if (analysis.Errors.Count > 0) return analysis;

        var analyzer = new TemplateAnalyzer(partials, analysis);
        foreach (var part in definition.Parts)
            analyzer.Analyze(part.Name, part.Source, Scope.Root(), conditional: false, partialStack: []);
        if (definition.Layout is not null)
            analyzer.Analyze("layout", definition.Layout, Scope.Root(), conditional: false, partialStack: [], isLayout: true);
        return analysis;
    }

    public static List<TemplateError> Validate(TemplateDefinition definition, RenderLimits limits)
    {
        using var budget = CompileBudget.Start(limits.MaxCompileDuration);
        try
        {
            return ValidateWithinBudget(definition);
        }
        catch (TemplateCompileTimeoutException e)
        {
            return [e.ToError(definition.Parts.FirstOrDefault()?.Name ?? "template")];
        }
    }

    private static List<TemplateError> ValidateWithinBudget(TemplateDefinition definition)
    {
        var analysis = Analyze(definition);
        if (analysis.Errors.Count > 0) return analysis.Errors;
        var errors = new List<TemplateError>();
        foreach (var name in analysis.PartialsUsed)
            Add(errors, CompileErrorTranslator.TryCompile("partial:" + name,
                () => { lock (CompileLock.Gate) HandlebarsEnvironmentFactory.Create(html: false)
                    .Compile(HandlebarsJsSourceRewriter.Rewrite(PartialParentPaths.Rewrite(definition.Partials![name]))); }));
        foreach (var part in definition.Parts)
            Add(errors, CompileErrorTranslator.TryCompile(part.Name,
                () => { lock (CompileLock.Gate) HandlebarsEnvironmentFactory.Create(part.IsHtml)
                    .Compile(HandlebarsJsSourceRewriter.Rewrite(part.Source)); }));
        if (definition.Layout is not null)
            Add(errors, CompileErrorTranslator.TryCompile("layout",
                () => { lock (CompileLock.Gate) HandlebarsEnvironmentFactory.Create(html: true)
                    .Compile(HandlebarsJsSourceRewriter.Rewrite(definition.Layout)); }));
        return errors;
    }

    /// <summary>Compiles a definition for rendering, or throws <see cref="TemplateValidationException"/>.</summary>
    public static CompiledTemplate Compile(TemplateDefinition definition, RenderLimits limits)
    {
        using var budget = CompileBudget.Start(limits.MaxCompileDuration);
        try
        {
            return CompileWithinBudget(definition);
        }
        catch (Exception e) when (CompileErrorTranslator.Timeout(e) is { } timeout)
        {
            throw new TemplateValidationException([timeout.ToError(definition.Parts.FirstOrDefault()?.Name ?? "template")]);
        }
    }

    private static CompiledTemplate CompileWithinBudget(TemplateDefinition definition)
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
            var errors = ValidateWithinBudget(definition);
            if (errors.Count == 0) throw;
            throw new TemplateValidationException(errors);
        }
    }

    /// <summary>An optional variable also covers everything below it: optional "user" covers "user.name".</summary>
    public static bool IsOptional(string variable, IReadOnlyCollection<string> optional) =>
        optional.Any(o => variable == o || variable.StartsWith(o + ".", StringComparison.Ordinal)
            || variable.StartsWith(o + "[]", StringComparison.Ordinal));

    /// <summary>Partials are measured when the analysis first reaches them: only the ones a template uses count.</summary>
    private static IEnumerable<(string Name, string Source)> PartsAndLayout(TemplateDefinition definition)
    {
        foreach (var part in definition.Parts) yield return (part.Name, part.Source);
        if (definition.Layout is not null) yield return ("layout", definition.Layout);
    }

    private static void Add(List<TemplateError> errors, TemplateError? error)
    {
        if (error is not null) errors.Add(error);
    }
}
