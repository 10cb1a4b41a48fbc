using NotificationService.Templates.Analysis;

namespace NotificationService.Templates;

/// <summary>
/// Bounds every template source meets before Handlebars.Net sees it (admin API, console, inline content of a send,
/// partials, layouts), checked by <see cref="TemplateBounds"/> in one pass that never recurses. Handlebars.Net compiles
/// by recursion (2,000 nested <c>{{#each}}</c> overflowed the stack and killed the process) at a cost of up to about
/// 0.4 ms of CPU and 40 KB of garbage per node: without bounds, one request could take down or occupy a process. The limits
/// sit far above what real templates use (handlebars.js templates nest a handful of blocks, a large email has a few
/// hundred tags) and keep a compile at the limit cheap (docs/decisions/templates.md has the measured figures).
/// </summary>
public static class TemplateLimits
{
    /// <summary>UTF-8 bytes of one part, partial or layout.</summary>
    public const int MaxSourceBytes = 256 * 1024;

    /// <summary>Blocks open at once. An <c>{{else if}}</c> (any chained else) is a level, as Handlebars.Net nests it;
    /// a partial call is a level, counted on through the partial's own blocks.</summary>
    public const int MaxBlockDepth = 64;

    /// <summary>Block params in scope at once (<c>as |item i|</c> is 2). Handlebars.Net copies them into every frame
    /// below, in a table of 112 entries: past it a render fails, so a template is refused well before.</summary>
    public const int MaxBlockParamsInScope = 32;

    /// <summary>Subexpressions inside one another: <c>{{a (b (c x))}}</c> is 2.</summary>
    public const int MaxSubexpressionDepth = 16;

    /// <summary>Nodes of one source: each tag (comments aside) and each value in it (argument, hash value,
    /// subexpression). <c>{{#if a}}x{{/if}}</c> is 3 nodes, <c>{{formatDate d "yyyy"}}</c> 3.</summary>
    public const int MaxNodesPerSource = 1_000;

    /// <summary>Nodes of a whole template version: its parts, layout and the partials it uses, each partial once
    /// (that is what one compile of the version costs).</summary>
    public const int MaxNodesPerTemplate = 2_000;

    /// <summary>The limit errors of one source, each naming the part, the line and the limit; empty when it is within
    /// bounds. For a caller that takes a template in (inline content of a send) before anything compiles it.</summary>
    public static IReadOnlyList<TemplateError> Check(string part, string source) => TemplateBounds.Measure(part, source).Errors;
}
