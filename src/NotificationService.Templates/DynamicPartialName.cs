using HandlebarsDotNet;

namespace NotificationService.Templates;

/// <summary>A partial named at render time, <c>{{&gt; (lookup . 'kind')}}</c> (Handlebars.Net renders these). Two
/// failures are handlebars.js's "The partial x could not be found": a name that is not a string (Handlebars.Net threw
/// an InvalidCastException) and a name that matches no partial (its HandlebarsRuntimeException). Both become a
/// <see cref="TemplateValidationException"/> for the part, which preview, test send and delivery already report
/// as the template's error. The rewriter passes the name through <see cref="HelperName"/>, which checks it.</summary>
internal static class DynamicPartialName
{
    public const string HelperName = "__handlebarsJsPartialName";

    public sealed class NotFound(string message) : Exception(message);

    /// <summary>Also where a partial that names itself through the data recurses: each call checks the stack first.</summary>
    public static object Check(Context _, Arguments arguments)
    {
        StackGuard.Ensure();
        return arguments.Length == 1 && arguments[0] is string { Length: > 0 } name
            ? name
            : throw new NotFound($"The partial {Describe(arguments.Length > 0 ? arguments[0] : null)} could not be found.");
    }

    /// <summary>The tag with its name subexpression wrapped in the check: <c>{{&gt; (lookup . 'k') x}}</c> →
    /// <c>{{&gt; (__handlebarsJsPartialName (lookup . 'k')) x}}</c>. Null when the tag has no leading subexpression.</summary>
    public static string? Wrap(string raw)
    {
        var open = raw.IndexOf('>');
        if (open < 0) return null;
        var start = open + 1;
        while (start < raw.Length && char.IsWhiteSpace(raw[start])) start++;
        if (start >= raw.Length || raw[start] != '(') return null;
        var end = MatchingParenthesis(raw, start);
        return end < 0 ? null : raw[..start] + "(" + HelperName + " " + raw[start..(end + 1)] + ")" + raw[(end + 1)..];
    }

    /// <summary>The render failure a dynamic partial name caused, as the template's error; null for anything else.</summary>
    public static TemplateValidationException? AsTemplateError(Exception e, string part)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is NotFound notFound) return Error(part, notFound.Message);
            if (x is HandlebarsRuntimeException && x.Message.StartsWith("Referenced partial name '", StringComparison.Ordinal))
            {
                var name = x.Message["Referenced partial name '".Length..];
                return Error(part, $"The partial '{name[..Math.Max(0, name.IndexOf('\''))]}' could not be found.");
            }
        }
        return null;
    }

    private static TemplateValidationException Error(string part, string message) => new([new TemplateError(part, 0, 0, message)]);

    private static string Describe(object? value) => value switch
    {
        null or UndefinedBindingResult => "undefined",
        string s => "'" + s + "'",
        _ => value.ToString() ?? "",
    };

    private static int MatchingParenthesis(string text, int start)
    {
        var depth = 0;
        var quote = '\0';
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '"' or '\'') quote = c;
            else if (c == '(') depth++;
            else if (c == ')' && --depth == 0) return i;
        }
        return -1;
    }
}
