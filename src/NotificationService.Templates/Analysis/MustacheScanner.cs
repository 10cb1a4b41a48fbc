namespace NotificationService.Templates.Analysis;

internal enum TagKind
{
    Ampersand, Comment, Expression, BlockOpen, InverseOpen, Close, Else, Partial, PartialBlockOpen, InlinePartialOpen, RawBlock
}

/// <summary>A <c>{{…}}</c> tag: its kind, its inner text without the sigil and <c>~</c> markers, and where it starts.
/// <see cref="End"/> is just past its closing braces; <see cref="Triple"/> marks <c>{{{…}}}</c>.</summary>
internal sealed record Tag(TagKind Kind, string Body, int Offset)
{
    public int End { get; init; }
    public bool Triple { get; init; }
    /// <summary>For a <see cref="TagKind.RawBlock"/> (the whole <c>{{{{name}}}}…{{{{/name}}}}</c>): where its
    /// literal content starts and ends.</summary>
    public (int Start, int End) RawContent { get; init; }
}

/// <summary>Splits a template into its mustache tags. This is not a second Handlebars implementation: it
/// finds just enough structure (blocks, helpers, partials, paths) to validate a template against our rules
/// and to list its variables, with exact positions. Rendering is always done by Handlebars.Net.</summary>
internal static class MustacheScanner
{
    public static (List<Tag> Tags, List<(int Offset, string Message)> Errors) Scan(string source)
    {
        var tags = new List<Tag>();
        var errors = new List<(int, string)>();
        var i = 0;
        while ((i = source.IndexOf("{{", i, StringComparison.Ordinal)) >= 0)
        {
            if (i > 0 && source[i - 1] == '\\') { i += 2; continue; } // \{{ is literal text
            var start = i;
            if (Follows(source, i, "{{{{"))
            {
                var (raw, error) = RawBlockScanner.Scan(source, start);
                if (raw is null) { errors.Add((start, error!)); return (tags, errors); }
                tags.Add(raw);
                i = raw.End;
                continue;
            }
            if (Follows(source, i, "{{!--") || Follows(source, i, "{{~!--"))
            {
                var end = source.IndexOf("--", source.IndexOf("!--", i, StringComparison.Ordinal) + 3, StringComparison.Ordinal);
                while (end >= 0 && !Follows(source, end, "--}}") && !Follows(source, end, "--~}}"))
                    end = source.IndexOf("--", end + 1, StringComparison.Ordinal);
                if (end < 0) { errors.Add((start, "Unclosed comment: expected '--}}'.")); return (tags, errors); }
                i = source.IndexOf("}}", end, StringComparison.Ordinal) + 2;
                tags.Add(new Tag(TagKind.Comment, "", start) { End = i });
                continue;
            }
            var triple = Follows(source, i, "{{{") || Follows(source, i, "{{~{");
            // A triple-stash closes with '}}}' or, under whitespace control, '}~}}'.
            var close = triple ? FindClose(source, i + 2, "}}}", "}~}}") : FindClose(source, i + 2, "}}", null);
            if (close < 0) { errors.Add((start, $"Unclosed tag: expected '{(triple ? "}}}" : "}}")}'.")); return (tags, errors); }
            var inner = source[(i + 2)..close];
            i = close + (triple && source[close + 1] == '~' ? 4 : triple ? 3 : 2);
            tags.Add(Classify(inner, triple, start) with { End = i, Triple = triple });
        }
        return (tags, errors);
    }

    private static Tag Classify(string inner, bool triple, int offset)
    {
        inner = inner.Trim();
        if (inner.StartsWith('~')) inner = inner[1..];
        if (inner.EndsWith('~')) inner = inner[..^1];
        if (triple) return new Tag(TagKind.Expression, inner.Trim('{', '}', '~').Trim(), offset);
        if (inner.Length == 0) return new Tag(TagKind.Expression, "", offset);
        var rest = inner[1..].Trim();
        switch (inner[0])
        {
            case '!': return new Tag(TagKind.Comment, "", offset);
            case '&': return new Tag(TagKind.Ampersand, rest, offset);
            case '/': return new Tag(TagKind.Close, rest, offset);
            case '>': return new Tag(TagKind.Partial, rest, offset);
            case '^': return new Tag(rest.Length == 0 ? TagKind.Else : TagKind.InverseOpen, rest, offset);
            case '#':
                if (rest.StartsWith('>')) return new Tag(TagKind.PartialBlockOpen, rest[1..].Trim(), offset);
                if (rest.StartsWith('*')) return new Tag(TagKind.InlinePartialOpen, rest[1..].Trim(), offset);
                return new Tag(TagKind.BlockOpen, rest, offset);
        }
        if (inner == "else" || inner.StartsWith("else ", StringComparison.Ordinal))
            return new Tag(TagKind.Else, inner[4..].Trim(), offset);
        return new Tag(TagKind.Expression, inner.Trim(), offset);
    }

    /// <summary>Finds the closing braces, skipping over string literals that may contain braces.</summary>
    private static int FindClose(string source, int from, string closer, string? otherCloser)
    {
        char quote = '\0';
        for (var i = from; i < source.Length; i++)
        {
            var c = source[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '"' or '\'') { quote = c; continue; }
            if (Follows(source, i, closer) || (otherCloser is not null && Follows(source, i, otherCloser))) return i;
            if (Follows(source, i, "{{")) return -1; // a new tag opened before this one closed
        }
        return -1;
    }

    private static bool Follows(string s, int at, string what) =>
        at + what.Length <= s.Length && string.CompareOrdinal(s, at, what, 0, what.Length) == 0;

    /// <summary>1-based line and column of an offset.</summary>
    public static (int Line, int Column) Position(string source, int offset)
    {
        int line = 1, lineStart = 0;
        for (var i = 0; i < offset && i < source.Length; i++)
            if (source[i] == '\n') { line++; lineStart = i + 1; }
        return (line, offset - lineStart + 1);
    }
}
