namespace NotificationService.Templates;

/// <summary>One renderable part of a template, e.g. ("subject", "...", false) or ("html", "...", true).
/// Only parts with <see cref="IsHtml"/> set are HTML-escaped.</summary>
public sealed record TemplatePart(string Name, string Source, bool IsHtml);

/// <summary>An immutable template version of one tenant. <see cref="CacheKey"/> must change whenever any source changes
/// (a template version id is ideal): compiled output is cached under the tenant and the key together, so two tenants never
/// share a compiled template, not even for the same source under the same key (an inline body both send).
/// <see cref="Layout"/> is an HTML layout that wraps every IsHtml part through <c>{{{body}}}</c>.</summary>
public sealed record TemplateDefinition(
    Guid Tenant,
    string CacheKey,
    IReadOnlyList<TemplatePart> Parts,
    IReadOnlyDictionary<string, string>? Partials = null,
    string? Layout = null,
    IReadOnlyCollection<string>? OptionalVariables = null);

/// <summary>A validation problem. Line and column are 1-based; 0 means "not tied to a position".
/// <see cref="Part"/> is the part name, "layout", or "partial:NAME". <see cref="Limit"/> names the
/// <see cref="TemplateLimits"/> bound the source breaks ("depth", "nodes", "size", "subexpressions", "blockParams", "compileTime"),
/// null for every other error: a caller answers a broken limit differently (422) from a syntax error.</summary>
public sealed record TemplateError(string Part, int Line, int Column, string Message)
{
    public string? Limit { get; init; }
}

/// <summary>Defaults for culture-sensitive helpers when the template does not name one.</summary>
public sealed record RenderOptions(string? Culture = null, string? TimeZone = null);

/// <summary>Rendered parts by name, plus the required variables that the data did not provide.
/// The caller decides what a missing variable means (a send turns it into a permanent error).</summary>
public sealed record RenderResult(IReadOnlyDictionary<string, string> Parts, IReadOnlyList<string> MissingVariables);
