using System.Net;

namespace NotificationService.Templates;

/// <summary>Derives the text/plain alternative of an email from its HTML (it runs on every render, so no
/// regular expressions and no allocation per tag): drops head/style/script/title content and comments, writes
/// each link's URL after its text ("Reset password (https://…)"), turns block elements and &lt;br&gt; into
/// line breaks and list items into "- ", decodes entities and collapses whitespace.
/// Two passes over pooled buffers: this one strips tags and leaves break markers; then
/// <see cref="HtmlTextCollapser"/> decodes entities and collapses whitespace in one go. Entities are decoded
/// after tags are gone (as WebUtility.HtmlDecode over the stripped text would), so output is unchanged
/// from the earlier StringBuilder/HashSet version, which the tests keep as an oracle.</summary>
internal static class HtmlToText
{
    public static string Convert(string html)
    {
        if (string.IsNullOrEmpty(html)) return "";
        var raw = new PooledCharBuffer(html.Length);
        try
        {
            StripTags(html, ref raw);
            return HtmlTextCollapser.DecodeAndCollapse(raw.Span);
        }
        finally
        {
            raw.Dispose();
        }
    }

    private static void StripTags(string html, ref PooledCharBuffer raw)
    {
        Stack<(string Href, int TextStart)>? links = null; // most emails have a handful of links, many none
        var i = 0;
        while (i < html.Length)
        {
            var lt = IndexOf(html, '<', i);
            if (lt < 0) { raw.Append(html.AsSpan(i)); break; }
            raw.Append(html.AsSpan(i, lt - i));
            if (html.AsSpan(lt).StartsWith("<!--", StringComparison.Ordinal))
            {
                var endComment = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                i = endComment < 0 ? html.Length : endComment + 3;
                continue;
            }
            var gt = IndexOf(html, '>', lt + 1);
            if (gt < 0) { raw.Append(html.AsSpan(lt)); break; }
            var tag = html.AsSpan(lt + 1, gt - lt - 1);
            var closing = tag.Length > 0 && tag[0] == '/';
            var nameStart = closing ? lt + 2 : lt + 1;
            var kind = TagNames.Classify(html, nameStart, gt, out var nameLength);
            var name = html.AsSpan(Math.Min(nameStart, gt), nameLength);
            i = gt + 1;
            switch (kind)
            {
                case TagKind.Invisible when !closing:
                    // Rare (a <style> block or two per email), so building the search string is fine.
                    var end = html.IndexOf("</" + name.ToString(), i, StringComparison.OrdinalIgnoreCase);
                    i = end < 0 ? html.Length : Math.Max(i, html.IndexOf('>', end) + 1);
                    break;
                case TagKind.Link when !closing:
                    (links ??= new()).Push((Href(tag), raw.Length));
                    break;
                case TagKind.Link:
                    if (links is { Count: > 0 }) AppendUrl(ref raw, links.Pop());
                    break;
                case TagKind.ListItem when !closing:
                    raw.Append(HtmlTextCollapser.LineBreak);
                    raw.Append("- ");
                    break;
                case TagKind.Cell: raw.Append(' '); break;
                case TagKind.Paragraph: raw.Append(HtmlTextCollapser.ParagraphBreak); break;
                case TagKind.Line: raw.Append(HtmlTextCollapser.LineBreak); break;
            }
        }
    }

    /// <summary>string.IndexOf, but looking at the first few characters one by one: in email HTML most text
    /// runs and tags are a handful of characters, where the vectorised search's set-up costs more than it saves.</summary>
    private static int IndexOf(string text, char value, int start)
    {
        var stop = Math.Min(text.Length, start + 16);
        for (var i = start; i < stop; i++)
            if (text[i] == value) return i;
        return stop == text.Length ? -1 : text.IndexOf(value, stop);
    }

    private static void AppendUrl(ref PooledCharBuffer raw, (string Href, int TextStart) link)
    {
        var url = WebUtility.HtmlDecode(link.Href).Trim();
        if (url.Length == 0 || url.StartsWith('#') || url.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase)) return;
        if (url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)) url = url[7..];
        var text = WebUtility.HtmlDecode(raw.Span[link.TextStart..].ToString()).Trim();
        if (text == url) return;
        // Encoded, because the whole text is decoded once at the end.
        if (text.Length > 0) raw.Append(" (");
        raw.Append(WebUtility.HtmlEncode(url));
        if (text.Length > 0) raw.Append(')');
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
}
