namespace NotificationService.Templates.Analysis;

/// <summary>Reads a raw block, <c>{{{{name}}}}…{{{{/name}}}}</c>, as handlebars.js's lexer does: the content is
/// text up to the matching close, where a nested <c>{{{{x}}}}</c> opens a level and <c>{{{{/x}}}}</c> closes one
/// (so nested raw blocks are content too), and the close must name the block it closes.</summary>
internal static class RawBlockScanner
{
    public static (Tag? Tag, string? Error) Scan(string source, int start)
    {
        var openEnd = source.IndexOf("}}}}", start + 4, StringComparison.Ordinal);
        if (openEnd < 0) return (null, "Unclosed raw block tag: expected '}}}}'.");
        var body = source[(start + 4)..openEnd].Trim();
        if (body.Length == 0 || body[0] is '~' or '/' or '#' or '^' or '!' or '>' or '&' || body[^1] == '~')
            return (null, "A raw block opens with '{{{{name}}}}' (no '~', no sigil).");
        var contentStart = openEnd + 4;
        var depth = 0;
        for (var i = source.IndexOf("{{{{", contentStart, StringComparison.Ordinal); i >= 0;
             i = source.IndexOf("{{{{", i + 4, StringComparison.Ordinal))
        {
            if (i + 4 >= source.Length || source[i + 4] != '/') { depth++; continue; }
            var closeEnd = source.IndexOf("}}}}", i + 5, StringComparison.Ordinal);
            if (closeEnd < 0) break;
            if (depth-- > 0) continue;
            var name = source[(i + 5)..closeEnd];
            var opened = body.Split(' ', 2)[0];
            if (name != opened) return (null, $"'{{{{{{{{/{name}}}}}}}}}' does not close the raw block '{{{{{{{{{opened}}}}}}}}}'.");
            return (new Tag(TagKind.RawBlock, body, start) { End = closeEnd + 4, RawContent = (contentStart, i) }, null);
        }
        return (null, $"Raw block '{{{{{{{{{body}}}}}}}}}' is never closed: expected '{{{{{{{{/{body.Split(' ', 2)[0]}}}}}}}}}'.");
    }
}
