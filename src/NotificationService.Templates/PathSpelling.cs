namespace NotificationService.Templates;

/// <summary>
/// Spells a data path so that Handlebars.Net reads it as handlebars.js does, whatever its binding frames hold.
/// Handlebars.Net resolves the first name of a path whose name is, in any case, one of its "well-known variables"
/// (value, first, last, index, key, root, parent) by the slot of the @-variable of that name: it looks that slot up in
/// the table of block params. Which block param sits there depends on the hash of its name, which .NET seeds afresh in
/// every process, so in some processes <c>{{index}}</c> (a block param) printed nothing and <c>{{first}}</c> (a field)
/// printed another block param's value ("[object Object]"), and in others not. Written <c>this.first</c> the name is
/// read from the context object and never from that table; a path with '/' separators is written with dots, which
/// handlebars.js reads identically (Handlebars.Net looked each later '/' segment up in the frame first).
/// </summary>
internal static class PathSpelling
{
    private static readonly HashSet<string> WellKnown =
        new(["value", "first", "last", "index", "key", "root", "parent"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The path to compile instead of <paramref name="path"/>, or null to keep it. <paramref name="blockParam"/>
    /// gives the compiled name of a block param in scope (<see cref="BlockParamNames"/>).</summary>
    public static string? Respell(string path, Func<string, string?> blockParam)
    {
        if (path.Length == 0 || path[0] == '@' || path is "this" or "." or "..") return null;
        var rest = path;
        var hops = 0;
        while (rest.StartsWith("../", StringComparison.Ordinal)) { hops++; rest = rest[3..]; }
        var explicitThis = false;
        foreach (var self in (ReadOnlySpan<string>)["this.", "this/", "./"])
            if (hops == 0 && rest.StartsWith(self, StringComparison.Ordinal)) { rest = rest[self.Length..]; explicitThis = true; break; }
        var segments = Segments(rest);
        if (segments is null || segments.Count == 0) return null;
        var first = Unbracketed(segments[0]);
        if (hops == 0 && !explicitThis && blockParam(first) is { } compiled)
            segments[0] = compiled;
        else if (!explicitThis && WellKnown.Contains(first))
            explicitThis = true;
        var respelled = string.Concat(Enumerable.Repeat("../", hops)) + (explicitThis ? "this." : "") + string.Join('.', segments);
        return respelled == path ? null : respelled;
    }

    /// <summary>The segments of a path split at '.' and '/' outside [brackets], brackets kept; null for a path that
    /// climbs after a name (<c>a/../b</c>) or is malformed, which is left as written.</summary>
    private static List<string>? Segments(string path)
    {
        var segments = new List<string>();
        var start = 0;
        var inBrackets = false;
        for (var i = 0; i <= path.Length; i++)
        {
            if (i < path.Length && path[i] == '[') inBrackets = true;
            else if (i < path.Length && path[i] == ']') inBrackets = false;
            else if (i == path.Length || (!inBrackets && path[i] is '.' or '/'))
            {
                if (i == start) return null; // "a..b", "a/", ".a"
                segments.Add(path[start..i]);
                start = i + 1;
            }
        }
        return inBrackets || segments.Contains("..") ? null : segments;
    }

    private static string Unbracketed(string segment) => segment is ['[', .. var inner, ']'] ? inner : segment;
}
