using System.Buffers;
using System.Collections.Concurrent;
using System.Net;

namespace NotificationService.Templates;

/// <summary>Second pass of <see cref="HtmlToText"/>: decodes entities and collapses whitespace in one scan.
/// A run of whitespace and break markers becomes a blank line if it holds a paragraph break, else a line
/// break if it holds one, else a single space; nothing at the start or end. Entities are decoded first and
/// their characters then collapse like any other (&amp;nbsp; is whitespace, as char.IsWhiteSpace says).</summary>
internal static class HtmlTextCollapser
{
    // Markers stand in for block elements until whitespace is collapsed, because newlines in the HTML
    // source are just spaces.
    public const char LineBreak = '\u0001', ParagraphBreak = '\u0002';

    /// <summary>Decoded entities by their text between '&amp;' and ';'. Only successful decodes are kept
    /// (the named ones are a fixed set of about 250) and at most <see cref="MaxCachedEntities"/>, so data
    /// full of distinct numeric entities cannot grow it without bound.</summary>
    private static readonly ConcurrentDictionary<string, string> Entities = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> EntityBySpan =
        Entities.GetAlternateLookup<ReadOnlySpan<char>>();
    private const int MaxCachedEntities = 1024;

    public static string DecodeAndCollapse(ReadOnlySpan<char> raw)
    {
        // Decoding only shrinks; a separator is at most two characters for at least one marker or space
        // before a visible character, so the output is never longer than 1.5 times the input.
        var buffer = ArrayPool<char>.Shared.Rent(raw.Length + raw.Length / 2 + 2);
        try
        {
            var output = new Collapser(buffer);
            for (var i = 0; i < raw.Length; i++)
            {
                var c = raw[i];
                if (c == '&' && TryDecodeEntity(raw[(i + 1)..], out var decoded, out var consumed))
                {
                    foreach (var d in decoded) output.Add(d);
                    i += consumed;
                }
                else output.Add(c);
            }
            return new string(buffer, 0, output.Length);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private ref struct Collapser(Span<char> output)
    {
        private readonly Span<char> output = output;
        private int pending; // 0 nothing, 1 space, 2 line break, 3 paragraph break
        public int Length;

        public void Add(char c)
        {
            // Printable ASCII is nearly everything in an email; only the rest needs a closer look.
            if ((uint)(c - '!') > '~' - '!')
            {
                if (c == ParagraphBreak) { pending = 3; return; }
                if (c == LineBreak) { pending = Math.Max(pending, 2); return; }
                if (char.IsWhiteSpace(c)) { pending = Math.Max(pending, 1); return; }
            }
            if (pending != 0)
            {
                if (Length > 0)
                {
                    if (pending == 1) output[Length++] = ' ';
                    else
                    {
                        output[Length++] = '\n';
                        if (pending == 3) output[Length++] = '\n';
                    }
                }
                pending = 0;
            }
            output[Length++] = c;
        }
    }

    /// <summary>An entity as WebUtility.HtmlDecode sees it: from '&amp;' to the next ';', unless another
    /// '&amp;' comes first. Its meaning depends on nothing but that text, so decoding "&amp;text;" on its own
    /// with WebUtility gives exactly what decoding the whole string would; when it is not an entity, the
    /// caller copies the text as it is, which is what WebUtility does. Only the look-up is cached.</summary>
    /// <summary>The entities Handlebars.Net's HTML escaping writes, and &amp;nbsp;, matched in place: an order's
    /// text is full of them, and the search for ';' and the cache look-up cost more than the rest of the
    /// character's handling. Each decodes to what WebUtility.HtmlDecode gives for it (a test checks).</summary>
    internal static bool TryCommonEntity(ReadOnlySpan<char> afterAmpersand, out ReadOnlySpan<char> decoded, out int consumed)
    {
        string? value;
        (value, consumed) = afterAmpersand switch
        {
            ['l', 't', ';', ..] => ("<", 3),
            ['g', 't', ';', ..] => (">", 3),
            ['a', 'm', 'p', ';', ..] => ("&", 4),
            ['q', 'u', 'o', 't', ';', ..] => ("\"", 5),
            ['n', 'b', 's', 'p', ';', ..] => ("\u00A0", 5),
            ['#', 'x', '2', '7', ';', ..] => ("'", 5),
            ['#', 'x', '6', '0', ';', ..] => ("`", 5),
            ['#', 'x', '3', 'D', ';', ..] => ("=", 5),
            _ => (null, 0),
        };
        decoded = value;
        return value is not null;
    }

    private static bool TryDecodeEntity(ReadOnlySpan<char> afterAmpersand, out ReadOnlySpan<char> decoded, out int consumed)
    {
        if (TryCommonEntity(afterAmpersand, out decoded, out consumed)) return true;
        var end = afterAmpersand.IndexOfAny(';', '&');
        if (end < 0 || afterAmpersand[end] != ';') return false;
        var entity = afterAmpersand[..end];
        if (!EntityBySpan.TryGetValue(entity, out var value))
        {
            var text = "&" + entity.ToString() + ";";
            value = WebUtility.HtmlDecode(text);
            if (value == text) return false;
            if (Entities.Count < MaxCachedEntities) Entities.TryAdd(entity.ToString(), value);
        }
        decoded = value;
        consumed = end + 1;
        return true;
    }
}
