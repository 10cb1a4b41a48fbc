using System.Text;
using NotificationService.Templates.Analysis;

namespace NotificationService.Templates;

/// <summary>Part of <see cref="HandlebarsJsSourceRewriter"/>: an <c>{{else with b}}</c>, <c>{{else each l}}</c> or
/// <c>{{else section}}</c> in any block. handlebars.js reads it as <c>{{else}}{{#with b}}…{{/with}}</c> closed where
/// the outer block closes; Handlebars.Net 2.4 only chains <c>{{else if}}</c>, so the chain is written out that way.
/// Each open block remembers the blocks its chain opened, and its close tag closes them first, innermost first.
/// The '~' markers stay where they act: on the else tag's outer side and on the innermost inserted close.</summary>
internal sealed class ElseChains
{
    private readonly Stack<List<string>> open = new();

    /// <summary>The tag's text with its chain written out, or null when it needs no change.</summary>
    public string? Apply(Tag tag, string raw, string current)
    {
        switch (tag.Kind)
        {
            case Analysis.TagKind.BlockOpen or Analysis.TagKind.InverseOpen or Analysis.TagKind.PartialBlockOpen
                or Analysis.TagKind.InlinePartialOpen:
                open.Push([]);
                return null;
            case Analysis.TagKind.Close when open.Count > 0:
                var chained = open.Pop();
                if (chained.Count == 0) return null;
                var closes = new StringBuilder();
                for (var i = chained.Count - 1; i >= 0; i--)
                    closes.Append(i == chained.Count - 1 && raw.StartsWith("{{~", StringComparison.Ordinal) ? "{{~/" : "{{/")
                        .Append(SectionTags.CloseName(chained[i])).Append("}}");
                return closes.Append(current).ToString();
            case Analysis.TagKind.Else when open.Count > 0 && ChainedBlock(tag.Body) is { } name:
                open.Peek().Add(name);
                var left = raw.StartsWith("{{~", StringComparison.Ordinal) ? "{{~" : "{{";
                var right = raw.EndsWith("~}}", StringComparison.Ordinal) ? "~}}" : "}}";
                return left + "else}}{{" + SectionTags.OpenBody(tag.Body, inverted: false) + right;
            default:
                return null;
        }
    }

    /// <summary>The block an else tag chains, unless it is if/unless (Handlebars.Net chains those itself).</summary>
    private static string? ChainedBlock(string body)
    {
        if (body.Length == 0) return null;
        try
        {
            return ExpressionParser.Parse(body).Items.FirstOrDefault() is PathNode { Path: not ("if" or "unless") and var path }
                ? path : null;
        }
        catch (FormatException) { return null; }
    }
}
