using System.Text;

namespace NotificationService.Templates.Analysis;

/// <summary>What <see cref="TemplateBounds.Measure"/> found in one source: its nodes and the limits it breaks.</summary>
internal sealed record SourceBounds(int Nodes, List<TemplateError> Errors);

/// <summary>
/// Measures one source against <see cref="TemplateLimits"/> before anything parses it recursively (our
/// <see cref="ExpressionParser"/>, Handlebars.Net's compiler): one pass over the tags <see cref="MustacheScanner"/>
/// finds (itself a loop), counting nodes, open blocks and parentheses. Each limit is reported once, at the tag that
/// first breaks it. Whether the source is otherwise valid is the analyzer's question, asked only when this one is clean.
/// </summary>
internal static class TemplateBounds
{
    public static SourceBounds Measure(string part, string source)
    {
        var errors = new List<TemplateError>();
        if (OffsetPast(source, TemplateLimits.MaxSourceBytes) is { } tooLarge)
        {
            errors.Add(Error(part, source, tooLarge, "size",
                $"The template is larger than {TemplateLimits.MaxSourceBytes / 1024} KB, the limit for one part (it passes it here)."));
            return new SourceBounds(0, errors);
        }
        var (tags, _) = MustacheScanner.Scan(source); // unclosed tags are the analyzer's to report
        var opened = new Stack<(int Levels, int Params)>(); // per open block: the levels it adds (1, plus one per chained else),
                                                            // its block params
        int nodes = 0, depth = 0, blockParams = 0;
        foreach (var tag in tags)
        {
            if (tag.Kind == TagKind.Comment) continue;
            nodes += 1 + Values(tag.Body);
            if (nodes > TemplateLimits.MaxNodesPerSource && !Has(errors, "nodes"))
                errors.Add(Error(part, source, tag.Offset, "nodes",
                    $"More than {TemplateLimits.MaxNodesPerSource:N0} nodes (tags and the values in them) in one part; "
                    + $"at most {TemplateLimits.MaxNodesPerSource:N0} are allowed."));
            if (SubexpressionDepth(tag.Body) > TemplateLimits.MaxSubexpressionDepth && !Has(errors, "subexpressions"))
                errors.Add(Error(part, source, tag.Offset, "subexpressions",
                    $"Subexpressions are nested more than {TemplateLimits.MaxSubexpressionDepth} deep here; "
                    + $"at most {TemplateLimits.MaxSubexpressionDepth} are allowed."));
            switch (tag.Kind)
            {
                case TagKind.BlockOpen or TagKind.InverseOpen or TagKind.PartialBlockOpen or TagKind.InlinePartialOpen:
                    var declared = BlockParams(tag.Body);
                    opened.Push((1, declared));
                    depth++;
                    blockParams += declared;
                    break;
                case TagKind.Else when tag.Body.Length > 0 && opened.Count > 0: // {{else if x}}: Handlebars.Net nests it
                    var (levels, own) = opened.Pop();
                    var chained = BlockParams(tag.Body);
                    opened.Push((levels + 1, own + chained));
                    depth++;
                    blockParams += chained;
                    break;
                case TagKind.Close when opened.Count > 0:
                    var closed = opened.Pop();
                    depth -= closed.Levels;
                    blockParams -= closed.Params;
                    break;
            }
            if (depth > TemplateLimits.MaxBlockDepth && !Has(errors, "depth"))
                errors.Add(Error(part, source, tag.Offset, "depth", DepthMessage(partials: false)));
            if (blockParams > TemplateLimits.MaxBlockParamsInScope && !Has(errors, "blockParams"))
                errors.Add(Error(part, source, tag.Offset, "blockParams",
                    $"More than {TemplateLimits.MaxBlockParamsInScope} block params are in scope here; "
                    + $"at most {TemplateLimits.MaxBlockParamsInScope} are allowed."));
        }
        return new SourceBounds(nodes, errors);
    }

    public static string DepthMessage(bool partials) =>
        $"Blocks are nested more than {TemplateLimits.MaxBlockDepth} levels deep here (each {{{{else if}}}} counts as a level" +
        (partials ? ", and each partial call on the way here" : "") + $"); at most {TemplateLimits.MaxBlockDepth} are allowed.";

    public static TemplateError Error(string part, string source, int offset, string limit, string message)
    {
        var (line, column) = MustacheScanner.Position(source, offset);
        return new TemplateError(part, line, column, message) { Limit = limit };
    }

    private static bool Has(List<TemplateError> errors, string limit) => errors.Exists(e => e.Limit == limit);

    /// <summary>The offset of the first character past <paramref name="maxBytes"/> UTF-8 bytes, or null.</summary>
    private static int? OffsetPast(string source, int maxBytes)
    {
        if (source.Length <= maxBytes / 3) return null; // at most 3 bytes per UTF-16 unit
        if (Encoding.UTF8.GetByteCount(source) <= maxBytes) return null;
        var bytes = 0;
        for (var i = 0; i < source.Length; i++)
        {
            bytes += char.IsHighSurrogate(source[i]) ? 4 : source[i] < 0x80 ? 1 : source[i] < 0x800 ? 2
                : char.IsLowSurrogate(source[i]) ? 0 : 3;
            if (bytes > maxBytes) return i;
        }
        return source.Length - 1;
    }

    /// <summary>The values of a tag after its first word: arguments, hash values, subexpressions and their words.
    /// Strings and [bracketed segments] are one word; hash keys and the block params after "as" are not values.</summary>
    private static int Values(string body)
    {
        var words = 0;
        var i = 0;
        while (i < body.Length)
        {
            var c = body[i];
            if (char.IsWhiteSpace(c) || c is '(' or ')') { i++; continue; }
            if (c == '|') { var end = body.IndexOf('|', i + 1); i = end < 0 ? body.Length : end + 1; continue; }
            if (c is '"' or '\'') { var end = body.IndexOf(c, i + 1); i = end < 0 ? body.Length : end + 1; words++; continue; }
            var start = i;
            while (i < body.Length && !char.IsWhiteSpace(body[i]) && body[i] is not ('(' or ')' or '=' or '|'))
            {
                if (body[i] == '[') { var close = body.IndexOf(']', i); i = close < 0 ? body.Length : close; }
                i++;
            }
            if (i < body.Length && body[i] == '=') { i++; continue; } // a hash key: its value is the next word
            if (i - start == 2 && string.CompareOrdinal(body, start, "as", 0, 2) == 0 && body.IndexOf('|', i) >= 0) continue;
            words++;
        }
        return Math.Max(0, words - 1);
    }

    private static int BlockParams(string body) => body.Contains('|') ? TagWords.Split(body).Count(w => w.BlockParam) : 0;

    /// <summary>The deepest parenthesis nesting outside string literals.</summary>
    private static int SubexpressionDepth(string body)
    {
        int depth = 0, deepest = 0;
        var quote = '\0';
        foreach (var c in body)
        {
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '"' or '\'') quote = c;
            else if (c == '(') deepest = Math.Max(deepest, ++depth);
            else if (c == ')') depth--;
        }
        return deepest;
    }
}
