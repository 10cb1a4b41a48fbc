using System.Net;
using System.Text;

namespace NotificationService.Templates.Tests;

/// <summary>The first HtmlToText (StringBuilder, HashSets, WebUtility over the whole text), kept verbatim as the
/// oracle the faster converter is compared against: same input, same output, character for character.
/// Its own description follows.</summary>
/// <remarks>Derives the text/plain alternative of an email from its HTML in one pass (it runs on every
/// render, so no regular expressions): drops head/style/script/title content and comments, writes each
/// link's URL after its text ("Reset password (https://…)"), turns block elements and &lt;br&gt; into line
/// breaks and list items into "- ", decodes entities and collapses whitespace.</remarks>
internal static class ReferenceHtmlToText
{
    private static readonly HashSet<string> Invisible = new(StringComparer.OrdinalIgnoreCase) { "head", "style", "script", "title" };
    // Paragraph-level elements are separated by a blank line, line-level ones by a line break.
    // Markers stand in for them until whitespace is collapsed, because newlines in the HTML source are
    // just spaces.
    private const char LineBreak = '\u0001', ParagraphBreak = '\u0002';
    private static readonly HashSet<string> Paragraphs = new(StringComparer.OrdinalIgnoreCase)
        { "p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote", "hr" };
    private static readonly HashSet<string> Lines = new(StringComparer.OrdinalIgnoreCase)
        { "div", "tr", "br", "section", "article", "header", "footer" };

    public static string Convert(string html)
    {
        if (string.IsNullOrEmpty(html)) return "";
        var raw = new StringBuilder(html.Length);
        var linkStack = new Stack<(string Href, int TextStart)>();
        var i = 0;
        while (i < html.Length)
        {
            var lt = html.IndexOf('<', i);
            if (lt < 0) { raw.Append(html, i, html.Length - i); break; }
            raw.Append(html, i, lt - i);
            if (string.CompareOrdinal(html, lt, "<!--", 0, 4) == 0)
            {
                var endComment = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                i = endComment < 0 ? html.Length : endComment + 3;
                continue;
            }
            var gt = html.IndexOf('>', lt + 1);
            if (gt < 0) { raw.Append(html, lt, html.Length - lt); break; }
            var tag = html.AsSpan(lt + 1, gt - lt - 1);
            var closing = tag.Length > 0 && tag[0] == '/';
            var name = TagName(closing ? tag[1..] : tag);
            i = gt + 1;
            if (!closing && Invisible.Contains(name))
            {
                var end = html.IndexOf("</" + name, i, StringComparison.OrdinalIgnoreCase);
                i = end < 0 ? html.Length : Math.Max(i, html.IndexOf('>', end) + 1);
                continue;
            }
            if (name.Equals("a", StringComparison.OrdinalIgnoreCase))
            {
                if (!closing) linkStack.Push((Href(tag), raw.Length));
                else if (linkStack.Count > 0) AppendUrl(raw, linkStack.Pop());
            }
            else if (name.Equals("li", StringComparison.OrdinalIgnoreCase) && !closing) raw.Append(LineBreak).Append("- ");
            else if (name.Equals("td", StringComparison.OrdinalIgnoreCase) || name.Equals("th", StringComparison.OrdinalIgnoreCase)) raw.Append(' ');
            else if (Paragraphs.Contains(name)) raw.Append(ParagraphBreak);
            else if (Lines.Contains(name)) raw.Append(LineBreak);
        }
        return CollapseWhitespace(WebUtility.HtmlDecode(raw.ToString()));
    }

    private static void AppendUrl(StringBuilder raw, (string Href, int TextStart) link)
    {
        var url = WebUtility.HtmlDecode(link.Href).Trim();
        if (url.Length == 0 || url.StartsWith('#') || url.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase)) return;
        if (url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)) url = url[7..];
        var text = WebUtility.HtmlDecode(raw.ToString(link.TextStart, raw.Length - link.TextStart)).Trim();
        if (text == url) return;
        // Encoded, because the whole text is decoded once at the end.
        raw.Append(text.Length == 0 ? "" : " (").Append(WebUtility.HtmlEncode(url)).Append(text.Length == 0 ? "" : ")");
    }

    private static string TagName(ReadOnlySpan<char> tag)
    {
        var end = 0;
        while (end < tag.Length && (char.IsLetterOrDigit(tag[end]) || tag[end] == '-')) end++;
        return tag[..end].ToString();
    }

    private static string Href(ReadOnlySpan<char> tag)
    {
        var at = tag.IndexOf("href", StringComparison.OrdinalIgnoreCase);
        if (at < 0) return "";
        var rest = tag[(at + 4)..].TrimStart();
        if (rest.Length == 0 || rest[0] != '=') return "";
        rest = rest[1..].TrimStart();
        if (rest.Length == 0) return "";
        var quote = rest[0];
        if (quote is '"' or '\'')
        {
            var close = rest[1..].IndexOf(quote);
            return (close < 0 ? rest[1..] : rest.Slice(1, close)).ToString();
        }
        var stop = rest.IndexOfAny(' ', '\t', '\n');
        return (stop < 0 ? rest : rest[..stop]).ToString().TrimEnd('/');
    }

    /// <summary>A run of whitespace and break markers becomes a blank line if it holds a paragraph break,
    /// else a line break if it holds one, else a single space; nothing at the start or end.</summary>
    private static string CollapseWhitespace(string text)
    {
        var output = new StringBuilder(text.Length);
        var pending = 0; // 0 nothing, 1 space, 2 line break, 3 paragraph break
        foreach (var c in text)
        {
            if (c == ParagraphBreak) { pending = 3; continue; }
            if (c == LineBreak) { pending = Math.Max(pending, 2); continue; }
            if (char.IsWhiteSpace(c)) { pending = Math.Max(pending, 1); continue; }
            if (output.Length > 0) output.Append(pending switch { 3 => "\n\n", 2 => "\n", 1 => " ", _ => "" });
            pending = 0;
            output.Append(c);
        }
        return output.ToString();
    }
}
