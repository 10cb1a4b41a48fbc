using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NotificationService.Templates;

internal enum TagKind { Other, Invisible, Link, ListItem, Cell, Paragraph, Line }

/// <summary>A tag's name and what <see cref="HtmlToText"/> does with it. Names are compared with
/// OrdinalIgnoreCase, as the HashSets of the first version did; paragraph-level elements are separated by a
/// blank line, line-level ones by a line break. Email HTML has a tag every few characters, and a loop to the
/// end of each name followed by comparisons that depend on its length ends in branches the CPU cannot
/// predict, so the eight characters after '&lt;' are read at once: the name's length comes from a bit mask
/// and its kind from one switch on the name packed lower-cased into a number. Names that are not plain
/// ASCII, or have eight characters or more, go character by character, which decides the same way.</summary>
internal static class TagNames
{
    /// <param name="nameStart">Just after '&lt;' or '&lt;/'.</param>
    /// <param name="tagEnd">The index of the tag's '&gt;'.</param>
    public static TagKind Classify(string html, int nameStart, int tagEnd, out int nameLength)
    {
        nameStart = Math.Min(nameStart, tagEnd); // "</>": an empty name
        if (nameStart + 8 <= html.Length && Vector128.IsHardwareAccelerated)
        {
            var chars = Vector128.Create(MemoryMarshal.Cast<char, ushort>(html.AsSpan(nameStart, 8)));
            // Names hold only letters, digits and '-': setting bit 5 lower-cases ASCII letters and keeps the rest.
            var lower = chars | Vector128.Create((ushort)0x20);
            var isNameChar = Vector128.LessThanOrEqual(lower - Vector128.Create((ushort)'a'), Vector128.Create((ushort)('z' - 'a')))
                | Vector128.LessThanOrEqual(chars - Vector128.Create((ushort)'0'), Vector128.Create((ushort)9))
                | Vector128.Equals(chars, Vector128.Create((ushort)'-'));
            var length = BitOperations.TrailingZeroCount(~isNameChar.ExtractMostSignificantBits());
            // The name stops at the first other ASCII character ('>' at the latest); a non-ASCII one may be a letter.
            if (length < 8 && html[nameStart + length] < 0x80)
            {
                nameLength = length;
                var packed = Vector128.Narrow(lower, lower).AsUInt64().ToScalar() & ((1UL << (8 * length)) - 1);
                return KindOf(packed);
            }
        }
        var name = CharByChar.Name(html.AsSpan(nameStart, tagEnd - nameStart));
        nameLength = name.Length;
        return CharByChar.Kind(name);
    }

    /// <summary>The first character in the lowest byte: "td" is 't' | 'd' &lt;&lt; 8.</summary>
    private static TagKind KindOf(ulong name) => name switch
    {
        'a' => TagKind.Link,
        'p' => TagKind.Paragraph,
        'l' | 'i' << 8 => TagKind.ListItem,
        't' | 'd' << 8 or 't' | 'h' << 8 => TagKind.Cell,
        'b' | 'r' << 8 or 't' | 'r' << 8 => TagKind.Line,
        'u' | 'l' << 8 or 'o' | 'l' << 8 or 'h' | 'r' << 8 => TagKind.Paragraph,
        'h' | '1' << 8 or 'h' | '2' << 8 or 'h' | '3' << 8 or 'h' | '4' << 8 or 'h' | '5' << 8 or 'h' | '6' << 8 => TagKind.Paragraph,
        0x766964 => TagKind.Line, // div
        0x64616568 => TagKind.Invisible, // head
        0x656C797473 or 0x656C746974 => TagKind.Invisible, // style title
        0x656C626174 => TagKind.Paragraph, // table
        0x747069726373 => TagKind.Invisible, // script
        0x726564616568 or 0x7265746F6F66 => TagKind.Line, // header footer
        0x6E6F6974636573 or 0x656C6369747261 => TagKind.Line, // section article
        _ => TagKind.Other,
    };

    /// <summary>The previous implementation: the reference for the packed look-up, and its fallback.</summary>
    internal static class CharByChar
    {
        public static ReadOnlySpan<char> Name(ReadOnlySpan<char> tag)
        {
            var end = 0;
            while (end < tag.Length && (char.IsLetterOrDigit(tag[end]) || tag[end] == '-')) end++;
            return tag[..end];
        }

        public static TagKind Kind(ReadOnlySpan<char> name) => name.Length switch
        {
            1 when Is(name, "a") => TagKind.Link,
            1 when Is(name, "p") => TagKind.Paragraph,
            2 when Is(name, "li") => TagKind.ListItem,
            2 when Is(name, "td") || Is(name, "th") => TagKind.Cell,
            2 when Is(name, "br") || Is(name, "tr") => TagKind.Line,
            2 when Is(name, "ul") || Is(name, "ol") || Is(name, "hr") => TagKind.Paragraph,
            2 when Is(name[..1], "h") && name[1] is >= '1' and <= '6' => TagKind.Paragraph,
            3 when Is(name, "div") => TagKind.Line,
            4 when Is(name, "head") => TagKind.Invisible,
            5 when Is(name, "style") || Is(name, "title") => TagKind.Invisible,
            5 when Is(name, "table") => TagKind.Paragraph,
            6 when Is(name, "script") => TagKind.Invisible,
            6 when Is(name, "header") || Is(name, "footer") => TagKind.Line,
            7 when Is(name, "section") || Is(name, "article") => TagKind.Line,
            10 when Is(name, "blockquote") => TagKind.Paragraph,
            _ => TagKind.Other,
        };

        private static bool Is(ReadOnlySpan<char> name, string known) => name.Equals(known, StringComparison.OrdinalIgnoreCase);
    }
}
