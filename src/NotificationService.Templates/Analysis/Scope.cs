namespace NotificationService.Templates.Analysis;

/// <summary>The data context a path is evaluated against, expressed as a variable path from the root:
/// "" at the root, "user" inside <c>{{#with user}}</c>, "items[]" inside <c>{{#each items}}</c>, null when
/// the context cannot be known statically (e.g. <c>{{#each (lookup …)}}</c>). Only #each, #with and partial
/// calls with a context push a scope: like handlebars.js 4, <c>../</c> skips #if/#unless.</summary>
internal sealed class Scope(string? prefix, Scope? parent, IReadOnlyDictionary<string, string?>? blockParams = null)
{
    public static Scope Root() => new("", null);

    public string? Prefix { get; } = prefix;
    public Scope? Parent { get; } = parent;

    public Scope Child(string? prefix, IReadOnlyDictionary<string, string?>? blockParams = null) => new(prefix, this, blockParams);

    /// <summary>The scope a partial starts in: the caller's context, but a <c>../</c> from it reads nothing, as in
    /// handlebars.js (a partial's depths start at its own context; see <see cref="PartialParentPaths"/>).</summary>
    public Scope PartialRoot() => new(Prefix, Parent, blockParamMap) { startsDepths = true };

    private bool startsDepths;

    /// <summary>The variable path a template path refers to, or null for @data variables, literals
    /// and paths whose context is unknown.</summary>
    public string? Resolve(string path)
    {
        if (path.StartsWith("@root", StringComparison.Ordinal))
        {
            var rest = path.Length > 5 && path[5] is '.' or '/' ? path[6..] : "";
            return Join("", Normalize(rest));
        }
        if (path.StartsWith('@')) return null;

        var scope = this;
        while (path.StartsWith("../", StringComparison.Ordinal))
        {
            if (scope.startsDepths) return null;
            scope = scope.Parent ?? scope;
            path = path[3..];
        }
        var explicitThis = false;
        if (path is "this" or "." or "..")
        {
            return path == ".." ? (scope.startsDepths ? null : (scope.Parent ?? scope).Prefix) : scope.Prefix;
        }
        foreach (var self in new[] { "this.", "this/", "./" })
            if (path.StartsWith(self, StringComparison.Ordinal)) { path = path[self.Length..]; explicitThis = true; }

        var segments = Normalize(path);
        if (!explicitThis && segments.Count > 0 && scope.TryBlockParam(segments[0], out var mapped))
            return mapped is null ? null : Join(mapped, segments.Skip(1).ToList());
        return scope.Prefix is null ? null : Join(scope.Prefix, segments);
    }

    private bool TryBlockParam(string name, out string? mapped)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
            if (scope.blockParamMap?.TryGetValue(name, out mapped) == true) return true;
        mapped = null;
        return false;
    }

    private readonly IReadOnlyDictionary<string, string?>? blockParamMap = blockParams;

    /// <summary>Splits on '.' and '/' outside [brackets] and drops the brackets: <c>a.[b c]</c> → ["a", "b c"].</summary>
    private static List<string> Normalize(string path)
    {
        var segments = new List<string>();
        var current = new System.Text.StringBuilder();
        var inBrackets = false;
        foreach (var c in path)
        {
            if (c == '[' && !inBrackets) { inBrackets = true; continue; }
            if (c == ']' && inBrackets) { inBrackets = false; continue; }
            if (!inBrackets && c is '.' or '/') { segments.Add(current.ToString()); current.Clear(); continue; }
            current.Append(c);
        }
        segments.Add(current.ToString());
        return segments.Where(s => s.Length > 0).ToList();
    }

    private static string Join(string prefix, IReadOnlyList<string> segments)
    {
        var rest = string.Join('.', segments);
        return prefix.Length == 0 ? rest : rest.Length == 0 ? prefix : prefix + "." + rest;
    }
}
