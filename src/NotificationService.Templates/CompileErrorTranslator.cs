using System.Text.RegularExpressions;
using HandlebarsDotNet;

namespace NotificationService.Templates;

/// <summary>Turns a Handlebars.Net parser/compiler exception into a <see cref="TemplateError"/>.
/// Handlebars.Net appends "Occured at: LINE:COLUMN" to the messages of exceptions that know their position;
/// its line is 0-based and its column is where its reader stopped (the end of the offending tag). We report
/// 1-based lines. Most structural errors never get here: our own analysis reports them first, at the tag.</summary>
internal static partial class CompileErrorTranslator
{
    public static TemplateError Translate(string part, Exception exception)
    {
        var message = exception.Message;
        var match = Position().Match(message);
        var (line, column) = match.Success ? (int.Parse(match.Groups[1].Value) + 1, int.Parse(match.Groups[2].Value)) : (0, 0);
        var text = (match.Success ? message[..match.Index] : message).Trim();
        if (exception is not HandlebarsException) text = "Template could not be compiled: " + text;
        return new TemplateError(part, line, column, text);
    }

    /// <summary>Compiles with Handlebars.Net and reports its error, if any, for the part.</summary>
    public static TemplateError? TryCompile(string part, Action compile)
    {
        try
        {
            compile();
            return null;
        }
        catch (Exception e) when (Timeout(e) is { } timeout)
        {
            throw timeout.For(part); // the whole compile is over budget, not this part wrong
        }
        catch (Exception e) when (e is HandlebarsException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            return Translate(part, e);
        }
    }

    /// <summary>Handlebars.Net wraps what its expression middleware throws; the budget's own exception is the answer.</summary>
    internal static TemplateCompileTimeoutException? Timeout(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is TemplateCompileTimeoutException t) return t;
        return null;
    }

    [GeneratedRegex(@"Occured at:\s*(\d+):(\d+)")]
    private static partial Regex Position();
}
