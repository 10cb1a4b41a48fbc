using NotificationService.Templates.Analysis;

namespace NotificationService.Templates;

/// <summary>handlebars.js's standalone-line rule for a block tag alone on its line (only spaces or tabs around it):
/// the line's indentation and its line break are not output. Used by <see cref="HandlebarsJsSourceRewriter"/> for
/// tags it rewrites into two, which Handlebars.Net would no longer see as standalone.</summary>
internal static class StandaloneLine
{
    /// <summary>Whether tags[index] is alone on its line. A tag with '~' is left to its whitespace control.</summary>
    public static bool Is(string source, List<Tag> tags, int index)
    {
        var tag = tags[index];
        if (source[tag.Offset + 2] == '~' || source[tag.End - 3] == '~') return false;
        var before = source.AsSpan(index > 0 ? tags[index - 1].End : 0, tag.Offset - (index > 0 ? tags[index - 1].End : 0));
        var after = source.AsSpan(tag.End, (index + 1 < tags.Count ? tags[index + 1].Offset : source.Length) - tag.End);
        var lineStart = before.LastIndexOf('\n');
        if (lineStart < 0 && index > 0) return false; // another tag earlier on the same line
        var lineEnd = after.IndexOf('\n');
        if (lineEnd < 0 && index + 1 < tags.Count) return false; // another tag later on the same line
        return IsBlank(before[(lineStart + 1)..]) && IsBlank(lineEnd < 0 ? after : after[..lineEnd]);
    }

    /// <summary>The text before a standalone tag without the tag's indentation.</summary>
    public static string TrimBefore(string text) => text.TrimEnd(' ', '\t');

    /// <summary>The text after a standalone tag without the rest of its line and its line break.</summary>
    public static string TrimAfter(string text)
    {
        var end = text.IndexOf('\n');
        return end < 0 ? "" : text[(end + 1)..];
    }

    private static bool IsBlank(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (c is not (' ' or '\t' or '\r')) return false;
        return true;
    }
}
