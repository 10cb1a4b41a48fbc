using System.Text;
using System.Text.RegularExpressions;
using NotificationService.Templates.Analysis;

namespace NotificationService.Templates;

/// <summary>Rewrites handlebars.js syntax that Handlebars.Net 2.4 parses differently into an equivalent form it
/// parses as handlebars.js does, before it compiles the source. Runs once per compile, never per render.
/// <list type="bullet">
/// <item>Block params get names of their own and data paths a spelling Handlebars.Net cannot confuse with its
/// "well-known variables" (<see cref="BlockParamNames"/>, <see cref="PathSpelling"/>).</item>
/// <item><c>{{^}}</c> is <c>{{else}}</c> (Handlebars.Net printed it as a value: "[object Object]").</item>
/// <item><c>{{&amp;x}}</c> is <c>{{{x}}}</c> (Handlebars.Net cannot parse it).</item>
/// <item><c>~</c> on a comment or a triple-stash strips the whitespace next to it (Handlebars.Net ignores it on
/// comments, fails on <c>{{!-- --~}}</c> and <c>{{~{x}~}}</c>). Such a tag has no standalone-line rule in
/// handlebars.js once it strips, so the stripping is done here and the tag becomes plain <c>{{{x}}}</c> or nothing.</item>
/// <item>A literal alone in a tag is a key: <c>{{"foo bar"}}</c>, <c>{{12}}</c>, <c>{{false}}</c> read the data
/// keys "foo bar", "12", "false" (Handlebars.Net printed nothing), written here as <c>[foo bar]</c>.</item>
/// <item><c>{{else unless x}}</c> after an <c>{{else if}}</c> rendered nothing; it is written as an
/// <c>{{else if}}</c> on <see cref="MustacheSection.ElseUnlessHelper"/>, which is true where <c>unless</c> renders.</item>
/// <item><c>@root/x</c> is <c>@root.x</c> (Handlebars.Net read nothing for the slash form).</item>
/// <item><c>{{else with b}}</c> and other chained blocks are written out as nested blocks (<see cref="ElseChains"/>).</item>
/// <item>A section over a climbing path, <c>{{#../items}}</c>, is a call of a helper that renders it (<see cref="SectionTags"/>).</item>
/// <item>A raw block <c>{{{{raw}}}}…{{{{/raw}}}}</c> prints its content as written (<see cref="RawBlockRewriter"/>).</item>
/// <item>A computed partial name, <c>{{&gt; (lookup . 'k')}}</c>, is checked at render time (<see cref="DynamicPartialName"/>).</item>
/// <item>A partial named by a number, <c>{{&gt; 404}}</c>, is the partial "404" (Handlebars.Net threw).</item>
/// </list>
/// A source the scanner cannot read is returned unchanged: validation reports it.</summary>
internal static partial class HandlebarsJsSourceRewriter
{
    public static string Rewrite(string source)
    {
        if (!source.Contains("{{", StringComparison.Ordinal)) return source;
        var (tags, errors) = MustacheScanner.Scan(source);
        if (errors.Count > 0) return source;
        var respelled = BlockParamNames.Rewrite(source, tags);
        if (!ReferenceEquals(respelled, source)) (source, tags) = (respelled, MustacheScanner.Scan(respelled).Tags);
        StringBuilder? output = null;
        var cursor = 0;
        var stripNext = false;
        var standaloneNext = false;
        var chains = new ElseChains();
        var helperSections = new Stack<bool>(); // per open block: written as a SectionTags helper call, so its close is too
        for (var i = 0; i < tags.Count; i++)
        {
            var tag = tags[i];
            if (tag.Kind == Analysis.TagKind.RawBlock)
            {
                var block = RawBlockRewriter.Rewrite(source, tags, i);
                output ??= new StringBuilder(source.Length);
                var before = source[cursor..tag.Offset];
                if (stripNext) before = before.TrimStart();
                if (standaloneNext) before = StandaloneLine.TrimAfter(before);
                if (block.OpenStandalone) before = StandaloneLine.TrimBefore(before);
                output.Append(before).Append(block.Text);
                (stripNext, standaloneNext, cursor) = (false, block.CloseStandalone, tag.End);
                continue;
            }
            var raw = source[tag.Offset..tag.End];
            var (replacement, stripsAround) = Replacement(tag, raw, helperSections);
            var chained = chains.Apply(tag, raw, replacement ?? raw);
            replacement = chained ?? replacement;
            if (tag.Kind != Analysis.TagKind.Comment && (replacement ?? raw).Contains("@root/", StringComparison.Ordinal))
                replacement = (replacement ?? raw).Replace("@root/", "@root.", StringComparison.Ordinal);
            if (replacement is null && !stripNext && !standaloneNext) continue;
            output ??= new StringBuilder(source.Length);
            var text = source[cursor..tag.Offset];
            if (stripNext) text = text.TrimStart();
            if (standaloneNext) text = StandaloneLine.TrimAfter(text);
            if (stripsAround && raw.StartsWith("{{~", StringComparison.Ordinal)) text = text.TrimEnd();
            // A chain written out puts two tags on the else's (and the close's) line, which would no longer be
            // a standalone line for Handlebars.Net: its indentation and line break are removed here instead.
            var standalone = chained is not null && StandaloneLine.Is(source, tags, i);
            if (standalone) text = StandaloneLine.TrimBefore(text);
            output.Append(text).Append(replacement ?? raw);
            stripNext = stripsAround && EndsWithTilde(raw);
            standaloneNext = standalone;
            cursor = tag.End;
        }
        if (output is null) return source;
        var tail = source[cursor..];
        return output.Append(stripNext ? tail.TrimStart() : standaloneNext ? StandaloneLine.TrimAfter(tail) : tail).ToString();
    }

    /// <summary>The tag's replacement (null: unchanged) and whether its '~' markers are applied here.</summary>
    private static (string? Replacement, bool StripsAround) Replacement(Tag tag, string raw, Stack<bool> helperSections)
    {
        var helperSection = tag.Kind is Analysis.TagKind.BlockOpen or Analysis.TagKind.InverseOpen && SectionTags.NeedsHelper(tag.Body);
        if (tag.Kind is Analysis.TagKind.BlockOpen or Analysis.TagKind.InverseOpen or Analysis.TagKind.PartialBlockOpen
            or Analysis.TagKind.InlinePartialOpen)
            helperSections.Push(helperSection);
        var closesHelperSection = tag.Kind == Analysis.TagKind.Close && helperSections.TryPop(out var opened) && opened;
        var open = raw.StartsWith("{{~", StringComparison.Ordinal) ? "{{~" : "{{";
        var close = EndsWithTilde(raw) ? "~}}" : "}}";
        switch (tag.Kind)
        {
            case Analysis.TagKind.Comment:
                return open.Length == 3 || close.Length == 3 ? ("", true) : (null, false);
            case Analysis.TagKind.Ampersand:
                return ("{{{" + (LiteralKey(tag.Body) ?? tag.Body) + "}}}", true);
            case Analysis.TagKind.Else when tag.Body.Length == 0 && raw.TrimStart('{', '~').StartsWith('^'):
                return (open + "else" + close, false);
            case Analysis.TagKind.Else when ElseUnless(tag.Body) is { } condition:
                return (open + "else if (" + MustacheSection.ElseUnlessHelper + " " + condition + ")" + close, false);
            case Analysis.TagKind.Expression when tag.Triple:
                if (LiteralKey(tag.Body) is { } tripleKey) return ("{{{" + tripleKey + "}}}", true);
                return open.Length == 3 || close.Length == 3 ? ("{{{" + tag.Body + "}}}", true) : (null, false);
            case Analysis.TagKind.Expression:
                return LiteralKey(tag.Body) is { } key ? (open + key + close, false) : (null, false);
            case Analysis.TagKind.BlockOpen or Analysis.TagKind.InverseOpen when helperSection:
                return (open + SectionTags.OpenBody(tag.Body, tag.Kind == Analysis.TagKind.InverseOpen) + close, false);
            case Analysis.TagKind.Close when closesHelperSection:
                return (open + "/" + MustacheSection.SectionHelper + close, false);
            case Analysis.TagKind.BlockOpen:
                return LiteralKey(tag.Body) is { } section ? (open + "#" + section + close, false) : (null, false);
            case Analysis.TagKind.Close:
                return tag.Body.Length > 0 && tag.Body[0] is '"' or '\'' && LiteralKey(tag.Body) is { } closed
                    ? (open + "/" + closed + close, false) : (null, false);
            case Analysis.TagKind.Partial when DynamicPartialName.Wrap(raw) is { } dynamic:
                return (dynamic, false);
            case Analysis.TagKind.Partial when NumberPartialName().Match(raw) is { Success: true } number:
                return (raw[..number.Groups[1].Index] + "[" + number.Groups[1].Value + "]"
                    + raw[(number.Groups[1].Index + number.Groups[1].Length)..], false);
            default:
                return (null, false);
        }
    }

    /// <summary>"[foo bar]" for a tag that holds one literal and nothing else; null otherwise (or when the literal
    /// holds ']', which a bracketed segment cannot).</summary>
    private static string? LiteralKey(string body)
    {
        ParsedExpression parsed;
        try { parsed = ExpressionParser.Parse(body); }
        catch (FormatException) { return null; }
        if (parsed.Items.Count != 1 || parsed.Hash.Count > 0 || parsed.BlockParams.Count > 0) return null;
        return parsed.Items[0] is LiteralNode { Text: var text } && text.Length > 0 && !text.Contains(']') ? "[" + text + "]" : null;
    }

    /// <summary>The condition of <c>{{else unless x}}</c>, when it is one value without options.</summary>
    private static string? ElseUnless(string body)
    {
        if (!body.StartsWith("unless ", StringComparison.Ordinal)) return null;
        try
        {
            var parsed = ExpressionParser.Parse(body);
            return parsed.Items.Count == 2 && parsed.Hash.Count == 0 && parsed.BlockParams.Count == 0 ? body[7..].Trim() : null;
        }
        catch (FormatException) { return null; }
    }

    private static bool EndsWithTilde(string raw) =>
        raw.EndsWith("~}}", StringComparison.Ordinal) || raw.EndsWith("~}}}", StringComparison.Ordinal);

    [GeneratedRegex(@"^\{\{~?>\s*(-?\d+(?:\.\d+)?)(?=[\s~}])")]
    private static partial Regex NumberPartialName();
}
