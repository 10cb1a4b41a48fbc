using NotificationService.Templates.Helpers;

namespace NotificationService.Templates.Analysis;

/// <summary>Walks one template source (and, recursively, the partials it calls) to check helpers, blocks
/// and partials and to collect variable paths. Errors carry the part name and the tag's line and column.</summary>
internal sealed class TemplateAnalyzer(IReadOnlyDictionary<string, string> partials, TemplateAnalysis result)
{
    private const int MaxPartialExpansions = 500;

    /// <param name="callerInlinePartials">Inline partials of the sources that call this one: in handlebars.js a
    /// partial sees the inline partials defined by its callers (and in the partial block it was given).</param>
    /// <param name="baseDepth">Levels open around this source: 0 for a part or the layout, the call's depth for a partial.</param>
    public void Analyze(string part, string source, Scope scope, bool conditional, IReadOnlyList<string> partialStack,
        bool isLayout = false, IReadOnlySet<string>? callerInlinePartials = null, int baseDepth = 0)
    {
        var (tags, scanErrors) = MustacheScanner.Scan(source);
        foreach (var (offset, message) in scanErrors) Error(part, source, offset, message);
        var inlinePartials = tags.Where(t => t.Kind == TagKind.InlinePartialOpen)
            .Select(t => InlinePartialName(t.Body)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        CheckInlineCycles(part, source, tags, inlinePartials);
        if (callerInlinePartials is not null) inlinePartials.UnionWith(callerInlinePartials);
        var walk = new SourceWalk(this, part, source, scope, conditional, partialStack, inlinePartials, isLayout, baseDepth);
        foreach (var tag in tags) walk.Visit(tag);
        walk.Finish();
    }

    internal void Error(string part, string source, int offset, string message)
    {
        var (line, column) = MustacheScanner.Position(source, offset);
        result.Errors.Add(new TemplateError(part, line, column, message));
    }

    internal void LimitError(string part, string source, int offset, string limit, string message) =>
        result.Errors.Add(TemplateBounds.Error(part, source, offset, limit, message));

    /// <summary>A partial's source is measured against <see cref="TemplateLimits"/> the first time a call reaches it, before
    /// it is walked (the walk parses its tags); only partials that are used count, each once.</summary>
    private bool WithinBounds(string name, string partialSource)
    {
        if (measured.TryGetValue(name, out var fits)) return fits;
        var bounds = TemplateBounds.Measure("partial:" + name, partialSource);
        result.Errors.AddRange(bounds.Errors);
        fits = bounds.Errors.Count == 0;
        measured[name] = fits;
        if (fits) result.AddNodes("partial:" + name, bounds.Nodes);
        return fits;
    }

    private readonly Dictionary<string, bool> measured = new(StringComparer.Ordinal);

    internal void Variable(string? path, bool required)
    {
        if (path is not null) result.AddVariable(path, required);
    }

    /// <summary>Checks a partial call and analyzes the partial's source in the caller's (or the given) context.</summary>
    internal void CallPartial(string part, string source, Tag tag, string name, Scope scope, bool conditional,
        IReadOnlyList<string> stack, bool fallbackAllowed, IReadOnlySet<string> inlinePartials, int depth)
    {
        if (stack.Contains(name))
        {
            Error(part, source, tag.Offset, $"Partial cycle: {string.Join(" -> ", stack.Append(name))}.");
            return;
        }
        if (!partials.TryGetValue(name, out var partialSource))
        {
            if (!fallbackAllowed) Error(part, source, tag.Offset, $"Partial '{name}' is not defined.");
            return;
        }
        result.PartialsUsed.Add(name);
        if (!WithinBounds(name, partialSource)) return;
        if (++result.PartialExpansions > MaxPartialExpansions)
        {
            if (result.PartialExpansions == MaxPartialExpansions + 1)
                Error(part, source, tag.Offset, $"Templates may expand at most {MaxPartialExpansions} partial calls.");
            return;
        }
        Analyze("partial:" + name, partialSource, scope, conditional, [.. stack, name],
            callerInlinePartials: inlinePartials, baseDepth: depth);
    }

    private readonly HashSet<string> dynamicallyReached = new(StringComparer.Ordinal);

    /// <summary>A partial call whose name is computed, <c>{{&gt; (lookup . 'kind')}}</c>: any partial may be the one, so
    /// each is listed as used (a version stores them all) and checked once, in the caller's context, as if called
    /// conditionally. A partial already on the call stack is not walked again: whether the data makes it recurse is
    /// known only at render time, where the render budget bounds it.</summary>
    internal void CallDynamicPartial(Scope scope, IReadOnlyList<string> stack, IReadOnlySet<string> inlinePartials, int depth)
    {
        foreach (var (name, partialSource) in partials.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (stack.Contains(name) || !dynamicallyReached.Add(name)) continue;
            result.PartialsUsed.Add(name);
            if (!WithinBounds(name, partialSource)) continue;
            if (++result.PartialExpansions > MaxPartialExpansions) return;
            Analyze("partial:" + name, partialSource, scope, conditional: true, [.. stack, name],
                callerInlinePartials: inlinePartials, baseDepth: depth);
        }
    }

    /// <summary>
    /// An inline partial that calls itself, directly or through another, would recurse until the render budget stops
    /// it at every send: refused at save, at the call that closes the cycle.
    /// </summary>
    private void CheckInlineCycles(string part, string source, List<Tag> tags, HashSet<string> inlinePartials)
    {
        if (inlinePartials.Count == 0) return;
        var calls = new Dictionary<string, List<(string Callee, Tag Tag)>>(StringComparer.Ordinal);
        var open = new Stack<string?>();   // per open block: the inline partial it defines, or null
        foreach (var tag in tags)
        {
            switch (tag.Kind)
            {
                case TagKind.InlinePartialOpen: open.Push(InlinePartialName(tag.Body)); break;
                case TagKind.BlockOpen or TagKind.InverseOpen: open.Push(null); break;
                case TagKind.PartialBlockOpen or TagKind.Partial:
                    var definer = open.FirstOrDefault(n => n is not null);
                    if (definer is not null && PartialName(tag.Body) is { } callee && inlinePartials.Contains(callee))
                        (calls.TryGetValue(definer, out var list) ? list : calls[definer] = []).Add((callee, tag));
                    if (tag.Kind == TagKind.PartialBlockOpen) open.Push(null);
                    break;
                case TagKind.Close: if (open.Count > 0) open.Pop(); break;
            }
        }
        var acyclic = new HashSet<string>(StringComparer.Ordinal);   // explored, no cycle through it: never walked twice
        foreach (var start in calls.Keys)
            if (Cycle(start, [start]) is { } cycle)
            {
                Error(part, source, cycle.Tag.Offset, $"Inline partial cycle: {string.Join(" -> ", cycle.Path)}.");
                return;
            }

        (List<string> Path, Tag Tag)? Cycle(string at, List<string> path)
        {
            if (acyclic.Contains(at)) return null;
            foreach (var (callee, tag) in calls.GetValueOrDefault(at) ?? [])
            {
                if (path.Contains(callee)) return ([.. path, callee], tag);
                if (Cycle(callee, [.. path, callee]) is { } found) return found;
            }
            acyclic.Add(at);
            return null;
        }
    }

    private static string? PartialName(string body)
    {
        try { return PartialName(ExpressionParser.Parse(body)); }
        catch (FormatException) { return null; }
    }

    /// <summary>The partial a call names: <c>{{&gt; card}}</c>, <c>{{&gt; "card"}}</c>, <c>{{&gt; 404}}</c>, or
    /// <c>{{&gt; [+404/x.y]}}</c> (brackets let a name hold any character; they are not part of it).</summary>
    internal static string? PartialName(ParsedExpression e) => e.Items.FirstOrDefault() switch
    {
        PathNode { Path: ['[', .., ']'] p } => p[1..^1],
        PathNode p => p.Path,
        LiteralNode l => l.Text,
        _ => null,
    };

    /// <summary>"inline \"name\"" → name.</summary>
    private static string? InlinePartialName(string body)
    {
        ParsedExpression parsed;
        try { parsed = ExpressionParser.Parse(body); }
        catch (FormatException) { return null; }
        return parsed.Items.Skip(1).FirstOrDefault() switch
        {
            PathNode path => path.Path,
            LiteralNode literal => literal.Text,
            _ => null,
        };
    }

    internal static bool IsKnownHelper(string name) => HelperCatalog.IsKnown(name);
}
