using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace NotificationService.Templates;

/// <summary>Derives the text/plain alternative of an email from its HTML: drops head, style and script
/// content, keeps each link's URL after its text ("Reset password (https://…)"), turns block elements and
/// &lt;br&gt; into line breaks, decodes entities and collapses whitespace.</summary>
internal static partial class HtmlToText
{
    public static string Convert(string html)
    {
        if (string.IsNullOrEmpty(html)) return "";
        var text = InvisibleElements().Replace(html, "");
        text = Comments().Replace(text, "");
        text = Links().Replace(text, LinkWithUrl);
        text = LineBreaks().Replace(text, "\n");
        text = BlockBoundaries().Replace(text, "\n");
        text = ListItems().Replace(text, "\n- ");
        text = Tags().Replace(text, "");
        text = WebUtility.HtmlDecode(text);
        return CollapseWhitespace(text);
    }

    private static string LinkWithUrl(Match match)
    {
        var url = WebUtility.HtmlDecode(match.Groups["href"].Value).Trim();
        var inner = match.Groups["inner"].Value;
        var innerText = WebUtility.HtmlDecode(Tags().Replace(inner, "")).Trim();
        var showUrl = url.Length > 0 && !url.StartsWith('#') && !url.StartsWith("javascript:", StringComparison.OrdinalIgnoreCase);
        if (!showUrl || innerText == url) return inner;
        var visible = url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) ? url[7..] : url;
        if (innerText == visible) return inner;
        // Keep the HTML-encoded form so the later decode pass does not double-decode.
        return innerText.Length == 0 ? WebUtility.HtmlEncode(visible) : $"{inner} ({WebUtility.HtmlEncode(visible)})";
    }

    /// <summary>Runs of spaces become one space; each line is trimmed; at most one blank line in a row.</summary>
    private static string CollapseWhitespace(string text)
    {
        var output = new StringBuilder(text.Length);
        var blankLines = 0;
        foreach (var rawLine in text.Replace("\r\n", "\n").Split('\n'))
        {
            var line = Spaces().Replace(rawLine.Replace('\u00A0', ' '), " ").Trim();
            if (line.Length == 0)
            {
                if (output.Length > 0) blankLines++;
                continue;
            }
            if (output.Length > 0) output.Append(blankLines > 0 ? "\n\n" : "\n");
            output.Append(line);
            blankLines = 0;
        }
        return output.ToString();
    }

    [GeneratedRegex(@"<(head|style|script|title)\b[^>]*>.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex InvisibleElements();

    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex Comments();

    [GeneratedRegex(@"<a\b[^>]*?\bhref\s*=\s*(?:""(?<href>[^""]*)""|'(?<href>[^']*)'|(?<href>[^\s>]+))[^>]*>(?<inner>.*?)</a\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Links();

    [GeneratedRegex(@"<br\s*/?>", RegexOptions.IgnoreCase)]
    private static partial Regex LineBreaks();

    [GeneratedRegex(@"</?(p|div|h[1-6]|tr|table|ul|ol|blockquote|section|article|header|footer|hr)\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex BlockBoundaries();

    [GeneratedRegex(@"<li\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ListItems();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"[ \t\f\v]+")]
    private static partial Regex Spaces();
}
