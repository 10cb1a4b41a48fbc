namespace NotificationService.Templates.Analysis;

/// <summary>A word of a tag body: where it is, and where it stands (first of its group, a hash value, a block param).</summary>
internal readonly record struct TagWord(int Start, int Length, bool First, bool InSubexpression, bool BlockParam, bool Literal);

/// <summary>
/// Splits a tag body into its words with their positions, in one loop (no recursion), so a rewrite can replace a path
/// where it is written and leave everything else byte for byte. A group is the top level or one subexpression; its
/// first word is the callee. Strings, numbers and true/false/null/undefined are literals; a hash key is not a word;
/// the names between the bars of <c>as |a b|</c> are block params.
/// </summary>
internal static class TagWords
{
    public static List<TagWord> Split(string body)
    {
        var words = new List<TagWord>();
        var firstOfGroup = true;
        var depth = 0;
        var i = 0;
        while (i < body.Length)
        {
            var c = body[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '(') { depth++; firstOfGroup = true; i++; continue; }
            if (c == ')') { depth = Math.Max(0, depth - 1); i++; continue; }
            if (c == '|')
            {
                var end = body.IndexOf('|', i + 1);
                if (end < 0) break;
                for (var j = i + 1; j < end;)
                {
                    if (char.IsWhiteSpace(body[j])) { j++; continue; }
                    var from = j;
                    while (j < end && !char.IsWhiteSpace(body[j])) j++;
                    words.Add(new TagWord(from, j - from, false, false, BlockParam: true, Literal: false));
                }
                i = end + 1;
                continue;
            }
            if (c is '"' or '\'')
            {
                var end = body.IndexOf(c, i + 1);
                end = end < 0 ? body.Length : end + 1;
                words.Add(new TagWord(i, end - i, firstOfGroup, depth > 0, false, Literal: true));
                firstOfGroup = false;
                i = end;
                continue;
            }
            var start = i;
            while (i < body.Length && !char.IsWhiteSpace(body[i]) && body[i] is not ('(' or ')' or '=' or '|'))
            {
                if (body[i] == '[') { var close = body.IndexOf(']', i); i = close < 0 ? body.Length : close; }
                i++;
            }
            if (i < body.Length && body[i] == '=') { i++; continue; } // a hash key: the value is the next word
            if (i == start) { i++; continue; }
            if (i - start == 2 && string.CompareOrdinal(body, start, "as", 0, 2) == 0 && NextIsBar(body, i)) continue;
            words.Add(new TagWord(start, i - start, firstOfGroup, depth > 0, false, IsLiteral(body.AsSpan(start, i - start))));
            firstOfGroup = false;
        }
        return words;
    }

    private static bool NextIsBar(string body, int i)
    {
        while (i < body.Length && char.IsWhiteSpace(body[i])) i++;
        return i < body.Length && body[i] == '|';
    }

    private static bool IsLiteral(ReadOnlySpan<char> word) =>
        word is "true" or "false" or "null" or "undefined" || char.IsDigit(word[0])
            || (word[0] == '-' && word.Length > 1 && char.IsDigit(word[1]));
}
