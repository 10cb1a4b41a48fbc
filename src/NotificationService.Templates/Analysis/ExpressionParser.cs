namespace NotificationService.Templates.Analysis;

internal abstract record Node;
/// <summary>A path such as <c>user.name</c>, <c>../title</c>, <c>@index</c> or <c>this</c>.</summary>
internal sealed record PathNode(string Path) : Node;
internal sealed record LiteralNode(string Text) : Node;
internal sealed record SubExpressionNode(ParsedExpression Expression) : Node;

/// <summary>The inside of a tag: callee or path first, then positional params, hash pairs and block params.</summary>
internal sealed record ParsedExpression(IReadOnlyList<Node> Items, IReadOnlyList<(string Key, Node Value)> Hash,
    IReadOnlyList<string> BlockParams);

/// <summary>Parses a tag body into <see cref="ParsedExpression"/>. Throws <see cref="FormatException"/> on
/// malformed input; Handlebars.Net will then report the same template with its own message.</summary>
internal sealed class ExpressionParser(string text)
{
    private int position;

    public static ParsedExpression Parse(string text)
    {
        var parser = new ExpressionParser(text);
        var result = parser.ParseSequence(closing: null);
        if (parser.position < text.Length) throw new FormatException($"Unexpected '{text[parser.position]}'.");
        return result;
    }

    private ParsedExpression ParseSequence(char? closing)
    {
        var items = new List<Node>();
        var hash = new List<(string, Node)>();
        var blockParams = new List<string>();
        while (true)
        {
            SkipSpaces();
            if (position >= text.Length)
            {
                if (closing is not null) throw new FormatException("Unclosed subexpression: expected ')'.");
                break;
            }
            if (closing is not null && text[position] == closing) { position++; break; }
            if (text[position] == '|') throw new FormatException("Unexpected '|'.");
            if (IsWord("as") && NextNonSpaceAfter(2) == '|') { blockParams.AddRange(ReadBlockParams()); continue; }
            var key = TryReadHashKey();
            var node = ReadNode();
            if (key is not null) hash.Add((key, node));
            else items.Add(node);
        }
        return new ParsedExpression(items, hash, blockParams);
    }

    private Node ReadNode()
    {
        var c = text[position];
        if (c == '(') { position++; return new SubExpressionNode(ParseSequence(')')); }
        if (c is '"' or '\'')
        {
            var end = text.IndexOf(c, position + 1);
            if (end < 0) throw new FormatException("Unclosed string literal.");
            var literal = text[(position + 1)..end];
            position = end + 1;
            return new LiteralNode(literal);
        }
        var start = position;
        while (position < text.Length && !char.IsWhiteSpace(text[position]) && text[position] is not ('(' or ')' or '|' or '='))
        {
            if (text[position] == '[')
            {
                var close = text.IndexOf(']', position);
                if (close < 0) throw new FormatException("Unclosed '[' in path.");
                position = close;
            }
            position++;
        }
        if (position == start) throw new FormatException($"Unexpected '{text[position]}'.");
        var word = text[start..position];
        var isLiteral = word is "true" or "false" or "null" or "undefined" || char.IsDigit(word[0])
            || (word[0] == '-' && word.Length > 1 && char.IsDigit(word[1]));
        return isLiteral ? new LiteralNode(word) : new PathNode(word);
    }

    private string? TryReadHashKey()
    {
        var i = position;
        while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '-' or '$')) i++;
        if (i == position || i >= text.Length || text[i] != '=') return null;
        var key = text[position..i];
        position = i + 1;
        SkipSpaces();
        if (position >= text.Length) throw new FormatException($"Missing value for '{key}='.");
        return key;
    }

    private IEnumerable<string> ReadBlockParams()
    {
        position = text.IndexOf('|', position) + 1;
        var end = text.IndexOf('|', position);
        if (end < 0) throw new FormatException("Unclosed block parameters: expected '|'.");
        var names = text[position..end].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        position = end + 1;
        return names;
    }

    private bool IsWord(string word) =>
        string.CompareOrdinal(text, position, word, 0, word.Length) == 0 &&
        (position + word.Length == text.Length || char.IsWhiteSpace(text[position + word.Length]));

    private char NextNonSpaceAfter(int length)
    {
        var i = position + length;
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        return i < text.Length ? text[i] : '\0';
    }

    private void SkipSpaces()
    {
        while (position < text.Length && char.IsWhiteSpace(text[position])) position++;
    }
}
