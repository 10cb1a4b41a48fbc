using System.Text;
using NotificationService.Templates.Analysis;
using NotificationService.Templates.Helpers;

namespace NotificationService.Templates;

/// <summary>handlebars.js 4.7 (without the compat option) starts a partial's <c>../</c> chain at the partial: its
/// depths begin with the partial's own context, so <c>{{../x}}</c> in a partial, outside any block of the partial
/// that enters a context, reads nothing, even when the partial is called inside <c>#each</c>. Handlebars.Net renders
/// a partial in the caller's frames, so the same path reached the caller's outer context. Before a partial's source
/// is compiled, each <c>../</c> path that climbs above the partial's own blocks is written as
/// <see cref="Nothing"/>, a data variable that is never set. Blocks that enter a context: <c>#each</c>, <c>#with</c>
/// and sections (counted as entering even though a section over <c>true</c> does not, so a path is only rewritten
/// when it climbs out in every case); an inline partial's body starts its own chain.</summary>
internal static class PartialParentPaths
{
    public const string Nothing = "@__handlebarsJsNothing";

    public static string Rewrite(string source)
    {
        if (!source.Contains("../", StringComparison.Ordinal)) return source;
        var (tags, errors) = MustacheScanner.Scan(source);
        if (errors.Count > 0) return source;
        var depths = new Stack<int>(); // per open block: the contexts entered inside it (0 or 1), or -1 for a new chain
        var output = new StringBuilder(source.Length);
        var cursor = 0;
        foreach (var tag in tags)
        {
            if (tag.Kind is Analysis.TagKind.Comment or Analysis.TagKind.RawBlock) continue;
            if (tag.Kind == Analysis.TagKind.Else && depths.Count > 0) { depths.Pop(); depths.Push(0); }
            var rewritten = RewritePaths(source[tag.Offset..tag.End], Available(depths));
            output.Append(source, cursor, tag.Offset - cursor).Append(rewritten);
            cursor = tag.End;
            switch (tag.Kind)
            {
                case Analysis.TagKind.BlockOpen: depths.Push(EntersContext(tag.Body) ? 1 : 0); break;
                case Analysis.TagKind.InverseOpen or Analysis.TagKind.PartialBlockOpen: depths.Push(0); break;
                case Analysis.TagKind.InlinePartialOpen: depths.Push(-1); break;
                case Analysis.TagKind.Else when depths.Count > 0 && tag.Body.Length > 0:
                    depths.Pop(); depths.Push(EntersContext(tag.Body) ? 1 : 0); break;
                case Analysis.TagKind.Close when depths.Count > 0: depths.Pop(); break;
            }
        }
        return output.Append(source, cursor, source.Length - cursor).ToString();
    }

    private static int Available(Stack<int> depths)
    {
        var available = 0;
        foreach (var depth in depths) // innermost first
        {
            if (depth < 0) return int.MaxValue; // inside an inline partial: left as it is
            available += depth;
        }
        return available;
    }

    private static bool EntersContext(string body)
    {
        var name = body.Split([' ', '\t', '\r', '\n', '~'], 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        return name is "each" or "with" || (name is not ("if" or "unless") && !HelperCatalog.IsKnown(name));
    }

    /// <summary>The tag with each path that climbs more than <paramref name="available"/> levels replaced; string
    /// literals are left alone.</summary>
    private static string RewritePaths(string tag, int available)
    {
        StringBuilder? result = null;
        var quote = '\0';
        var copied = 0;
        for (var i = 0; i < tag.Length; i++)
        {
            var c = tag[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '"' or '\'') { quote = c; continue; }
            if (c != '.' || !At(tag, i, "../") || (i > 0 && !IsBoundary(tag[i - 1]))) continue;
            var levels = 0;
            var end = i;
            while (At(tag, end, "../")) { levels++; end += 3; }
            while (end < tag.Length && !EndsPath(tag[end])) end++;
            if (levels > available)
            {
                result ??= new StringBuilder(tag.Length);
                result.Append(tag, copied, i - copied).Append(Nothing);
                copied = end;
            }
            i = end - 1;
        }
        return result is null ? tag : result.Append(tag, copied, tag.Length - copied).ToString();
    }

    private static bool At(string s, int at, string what) =>
        at + what.Length <= s.Length && string.CompareOrdinal(s, at, what, 0, what.Length) == 0;

    private static bool EndsPath(char c) => char.IsWhiteSpace(c) || c is ')' or '}' or '~' or '=' or '|';

    private static bool IsBoundary(char c) =>
        char.IsWhiteSpace(c) || c is '(' or ')' or '=' or '{' or '#' or '^' or '/' or '&' or '~' or '|' or '>';
}
