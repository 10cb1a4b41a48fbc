using System.Text;
using HandlebarsDotNet;
using NotificationService.Templates.Analysis;

namespace NotificationService.Templates;

/// <summary>Part of <see cref="HandlebarsJsSourceRewriter"/>: raw blocks, <c>{{{{raw}}}} {{x}} {{{{/raw}}}}</c>.
/// In handlebars.js a raw block calls the helper it names with its content as unparsed text; the usual
/// <c>raw</c> helper (<c>options.fn()</c>) prints it as written, and without any helper the block is a section over
/// that value with the text as its body. A tenant cannot register helpers, and a template that says <c>raw</c>
/// means "print this as written" (it is how Handlebars templates carry other templates' syntax), so the service
/// behaves as if that helper were registered: <c>{{{{raw}}}}</c> prints its content; any other name is a section,
/// as handlebars.js renders it. Handlebars.Net does not parse raw blocks, and its <c>\{{</c> escape cannot write
/// every text (<c>\{{x}}</c> itself), so the content travels as a Base64 string literal to a helper that prints it.
/// The open and close tags follow handlebars.js's standalone-line rule.</summary>
internal static class RawBlockRewriter
{
    public const string LiteralName = "raw";
    public const string HelperName = "__handlebarsJsRaw";

    public sealed record Result(string Text, bool OpenStandalone, bool CloseStandalone);

    public static Result Rewrite(string source, List<Tag> tags, int index)
    {
        var tag = tags[index];
        var content = source[tag.RawContent.Start..tag.RawContent.End];
        var openStandalone = AloneBefore(source, tags, index) && FirstLineBlank(content);
        var closeStandalone = LastLineBlank(content) && AloneAfter(source, tags, index);
        if (openStandalone) content = content[(content.IndexOf('\n') + 1)..];
        if (closeStandalone) content = content[..(content.LastIndexOf('\n') + 1)];
        var literal = content.Length == 0 ? ""
            : "{{{" + HelperName + " \"" + Convert.ToBase64String(Encoding.UTF8.GetBytes(content)) + "\"}}}";
        var text = tag.Body == LiteralName ? literal : SectionTags.Open(tag.Body, inverted: false) + literal + SectionTags.Close(tag.Body);
        return new Result(text, openStandalone, closeStandalone);
    }

    /// <summary>The helper the rewritten block calls: its content, as written.</summary>
    public static object Literal(Context _, Arguments arguments) =>
        arguments.Length == 1 && arguments[0] is string base64 ? Encoding.UTF8.GetString(Convert.FromBase64String(base64)) : "";

    private static bool AloneBefore(string source, List<Tag> tags, int index)
    {
        var from = index > 0 ? tags[index - 1].End : 0;
        var before = source.AsSpan(from, tags[index].Offset - from);
        var lineStart = before.LastIndexOf('\n');
        return (lineStart >= 0 || index == 0) && IsBlank(before[(lineStart + 1)..]);
    }

    private static bool AloneAfter(string source, List<Tag> tags, int index)
    {
        var tag = tags[index];
        var after = source.AsSpan(tag.End, (index + 1 < tags.Count ? tags[index + 1].Offset : source.Length) - tag.End);
        var lineEnd = after.IndexOf('\n');
        return (lineEnd >= 0 || index + 1 == tags.Count) && IsBlank(lineEnd < 0 ? after : after[..lineEnd]);
    }

    private static bool FirstLineBlank(string content) => content.IndexOf('\n') is var end and >= 0 && IsBlank(content.AsSpan(0, end));

    private static bool LastLineBlank(string content) =>
        content.LastIndexOf('\n') is var start and >= 0 && IsBlank(content.AsSpan(start + 1));

    private static bool IsBlank(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
            if (c is not (' ' or '\t' or '\r')) return false;
        return true;
    }
}
