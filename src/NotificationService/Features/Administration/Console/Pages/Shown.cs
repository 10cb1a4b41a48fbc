namespace NotificationService.Features.Administration.Console.Pages;

/// <summary>
/// Pages never render unbounded values: a notification's content, a rendered part (up to a million characters each),
/// a rejected row's reason. A long value is cut with a visible marker saying how much was left out; the API still
/// gives all of it.
/// </summary>
public static class Shown
{
    /// <summary>Text shown in a page (a part, stored content, an error).</summary>
    public const int MaxChars = 64 * 1024;

    /// <summary>An email's HTML in its sandboxed frame: enough for any real email (Gmail clips at 102 KB).</summary>
    public const int MaxHtmlChars = 256 * 1024;

    public static string Clip(string? value, int max = MaxChars)
    {
        if (value is null || value.Length <= max) return value ?? "";
        var cut = char.IsHighSurrogate(value[max - 1]) ? max - 1 : max;
        return string.Concat(value.AsSpan(0, cut), $" … [cut here: {value.Length - cut:N0} more characters not shown]");
    }

    public static string ClipHtml(string? html) => Clip(html, MaxHtmlChars);
}
