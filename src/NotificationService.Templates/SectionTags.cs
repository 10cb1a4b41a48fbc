using NotificationService.Templates.Analysis;

namespace NotificationService.Templates;

/// <summary>The open and close tags of a Mustache section (<c>{{#name}}…{{/name}}</c>) as Handlebars.Net can compile
/// them. A section over a path such as <c>../items</c> cannot be closed in Handlebars.Net ("A closing element
/// '/../items' was found without a matching open element"), so it is written as a call of
/// <see cref="MustacheSection.SectionHelper"/> with the path as its argument, which renders exactly as the section.</summary>
internal static class SectionTags
{
    /// <summary>Whether a block's body (name and block params) is a section over a path Handlebars.Net cannot close as
    /// written: one that climbs (<c>../x</c>), starts with <c>./</c> or <c>@</c> (<c>@root.x</c> rendered nothing),
    /// uses '/' separators or a bracketed segment, or is written <c>this.x</c> (<see cref="PathSpelling"/> writes
    /// <c>{{#first}}</c> so).</summary>
    public static bool NeedsHelper(string body)
    {
        if (!(body.StartsWith('.') || body.StartsWith('@') || body.Contains('/') || body.Contains('[')
              || body.StartsWith("this.", StringComparison.Ordinal))) return false;
        try
        {
            var parsed = ExpressionParser.Parse(body);
            return parsed.Items.Count == 1 && parsed.Hash.Count == 0 && parsed.Items[0] is PathNode;
        }
        catch (FormatException) { return false; }
    }

    /// <summary>"{{#body}}" or, for a path that needs it, "{{#__handlebarsJsSection path [true] as |x|}}".</summary>
    public static string Open(string body, bool inverted) => "{{" + OpenBody(body, inverted) + "}}";

    public static string OpenBody(string body, bool inverted)
    {
        if (!NeedsHelper(body)) return (inverted ? "^" : "#") + body;
        var asAt = body.IndexOf(" as ", StringComparison.Ordinal);
        var path = asAt < 0 ? body : body[..asAt];
        var blockParams = asAt < 0 ? "" : body[asAt..];
        return "#" + MustacheSection.SectionHelper + " " + path.Trim() + (inverted ? " true" : "") + blockParams;
    }

    public static string Close(string body) => "{{/" + CloseName(body) + "}}";

    public static string CloseName(string body)
    {
        if (NeedsHelper(body)) return MustacheSection.SectionHelper;
        var asAt = body.IndexOf(" as ", StringComparison.Ordinal);
        return asAt < 0 ? body : body[..asAt];
    }
}
