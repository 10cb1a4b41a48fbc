using System.Text;
using NotificationService.Templates.Analysis;
using NotificationService.Templates.Helpers;

namespace NotificationService.Templates;

/// <summary>
/// Part of <see cref="HandlebarsJsSourceRewriter"/>, run first: gives every block param a name of its own and spells
/// every data path with <see cref="PathSpelling"/>. Handlebars.Net keeps block params in a table of the binding frame,
/// and binding frames come from one pool shared by every render in the process (all tenants): a frame goes back to the
/// pool with its entries in place, and 255 uses later (its table's version is one byte) they count as current again.
/// A path that is not a block param is still looked up in that table first, so <c>{{order.id}}</c> inside one tenant's
/// <c>{{#each xs as |x|}}</c> printed the <c>order</c> another tenant's <c>{{#each orders as |order|}}</c> had left
/// there. Compiled under a name no other compile uses (<c>__hbjs_bp7_0</c>) and only where it is in scope, a block param
/// is only ever looked up by the template that set it, in the frames that set it, and no data path shares its name.
/// Scope is lexical, as in handlebars.js: a block's params reach its body (through nested blocks, partial blocks and
/// inline partials in it) but not its <c>{{else}}</c>, nor a partial's own source.
/// </summary>
internal static class BlockParamNames
{
    public const string Prefix = "__hbjs_bp";

    public const string ReservedMessage = $"Names starting with '{Prefix}' are reserved for the template engine.";

    private static long compiles;

    /// <summary>Whether a path names a reserved block param (after any ../): a template may not read another's.</summary>
    public static bool IsReserved(string path)
    {
        var rest = path;
        while (rest.StartsWith("../", StringComparison.Ordinal)) rest = rest[3..];
        return rest.TrimStart('[').StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class Frame
    {
        public Dictionary<string, string>? Params;
        public string? CloseAs;
    }

    public static string Rewrite(string source, List<Tag> tags)
    {
        var id = 0L;
        var declared = 0;
        var frames = new Stack<Frame>();
        string? BlockParam(string name)
        {
            foreach (var frame in frames)
                if (frame.Params?.TryGetValue(name, out var compiled) == true) return compiled;
            return null;
        }
        string Declare(Frame frame, string name)
        {
            if (id == 0) id = Interlocked.Increment(ref compiles);
            return (frame.Params ??= new(StringComparer.Ordinal))[name] = $"{Prefix}{id}_{declared++}";
        }

        StringBuilder? output = null;
        var cursor = 0;
        foreach (var tag in tags)
        {
            if (tag.Kind is Analysis.TagKind.Comment or Analysis.TagKind.RawBlock) continue;
            var raw = source[tag.Offset..tag.End];
            string? rewritten = null;
            switch (tag.Kind)
            {
                case Analysis.TagKind.BlockOpen or Analysis.TagKind.InverseOpen or Analysis.TagKind.PartialBlockOpen:
                {
                    var frame = new Frame();
                    rewritten = RewriteBody(raw, tag.Body, tag.Kind, BlockParam, name => Declare(frame, name), frame);
                    frames.Push(frame);
                    break;
                }
                case Analysis.TagKind.InlinePartialOpen:
                    frames.Push(new Frame());
                    break;
                case Analysis.TagKind.Else when frames.Count > 0:
                {
                    var frame = frames.Peek();
                    frame.Params = null; // the else branch is the block's inverse: its params are out of scope
                    if (tag.Body.Length > 0)
                        rewritten = RewriteBody(raw, tag.Body, tag.Kind, BlockParam, name => Declare(frame, name), frame: null);
                    break;
                }
                case Analysis.TagKind.Close when frames.Count > 0:
                {
                    var frame = frames.Pop();
                    if (frame.CloseAs is { } name) rewritten = ReplaceBody(raw, tag.Body, name);
                    break;
                }
                case Analysis.TagKind.Expression or Analysis.TagKind.Ampersand or Analysis.TagKind.Partial:
                    rewritten = RewriteBody(raw, tag.Body, tag.Kind, BlockParam, _ => "", frame: null);
                    break;
            }
            if (rewritten is null) continue;
            output ??= new StringBuilder(source.Length + 64);
            output.Append(source, cursor, tag.Offset - cursor).Append(rewritten);
            cursor = tag.End;
        }
        return output is null ? source : output.Append(source, cursor, source.Length - cursor).ToString();
    }

    /// <summary>The tag with its paths respelled and its block params declared; null when nothing changes. A section's
    /// name is a path too: its new spelling is kept on the frame for the close tag.</summary>
    private static string? RewriteBody(string raw, string body, Analysis.TagKind kind, Func<string, string?> blockParam,
        Func<string, string> declare, Frame? frame)
    {
        var words = TagWords.Split(body);
        if (words.Count == 0) return null;
        var alone = words.Count(w => !w.BlockParam) == 1 && !body.Contains('=');
        var replacements = new List<(int Start, int Length, string Text)>();
        foreach (var word in words)
        {
            var text = body.Substring(word.Start, word.Length);
            if (word.BlockParam) { replacements.Add((word.Start, word.Length, declare(text))); continue; }
            if (word.Literal || !IsPath(word, text, kind, alone)) continue;
            if (PathSpelling.Respell(text, blockParam) is not { } respelled) continue;
            replacements.Add((word.Start, word.Length, respelled));
            if (word.First && !word.InSubexpression && kind is Analysis.TagKind.BlockOpen or Analysis.TagKind.InverseOpen
                && frame is not null)
                frame.CloseAs = respelled; // a section: {{/name}} must close what {{#name}} became
        }
        if (replacements.Count == 0) return null;
        var rewritten = new StringBuilder(body);
        foreach (var (start, length, text) in replacements.OrderByDescending(r => r.Start))
            rewritten.Remove(start, length).Insert(start, text);
        return ReplaceBody(raw, body, rewritten.ToString());
    }

    /// <summary>Whether a word is read as a data path: not a callee (a helper's or partial's name), except the name of a
    /// section (a block that is no helper) or a lone mustache that is no helper.</summary>
    private static bool IsPath(TagWord word, string text, Analysis.TagKind kind, bool alone)
    {
        if (!word.First) return true;
        if (word.InSubexpression) return false;
        return kind switch
        {
            Analysis.TagKind.Partial or Analysis.TagKind.PartialBlockOpen => false,
            Analysis.TagKind.Expression or Analysis.TagKind.Ampersand => alone && !HelperCatalog.IsKnown(text),
            _ => !HelperCatalog.IsKnown(text), // a block or chained else: a section unless it names a helper
        };
    }

    private static string ReplaceBody(string raw, string body, string replacement)
    {
        var at = raw.IndexOf(body, 2, StringComparison.Ordinal);
        return at < 0 ? raw : string.Concat(raw.AsSpan(0, at), replacement, raw.AsSpan(at + body.Length));
    }
}
