using System.Text.RegularExpressions;
using NotificationService.Templates;

namespace NotificationService.Features.Sending.Templates;

/// <summary>Shape rules for keys, locales and names, and how engine errors become API field errors.</summary>
public static partial class TemplateRules
{
    public const int MaxOptionalVariables = 100;

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")]
    public static partial Regex Key();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")]
    public static partial Regex FragmentName();

    [GeneratedRegex(@"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LocaleTag();

    [GeneratedRegex(@"\{\{\{~?\s*body\s*~?\}\}\}")]
    public static partial Regex LayoutBody();

    /// <summary>A BCP 47 tag in its canonical case (`fr-ca` → `fr-CA`, `zh-hant-tw` → `zh-Hant-TW`), or null.
    /// Canonical case matters: (key, channel, locale) is unique, and `fr-CA` and `fr-ca` are one locale.</summary>
    public static string? NormalizeLocale(string? tag)
    {
        if (tag is null || !LocaleTag().IsMatch(tag)) return null;
        var subtags = tag.Split('-');
        subtags[0] = subtags[0].ToLowerInvariant();
        for (var i = 1; i < subtags.Length; i++)
            subtags[i] = subtags[i].Length switch
            {
                2 => subtags[i].ToUpperInvariant(),
                4 => char.ToUpperInvariant(subtags[i][0]) + subtags[i][1..].ToLowerInvariant(),
                _ => subtags[i].ToLowerInvariant(),
            };
        return string.Join('-', subtags);
    }

    public const string LocaleMessage = "Not a BCP 47 language tag (e.g. en, fr, fr-CA).";

    /// <summary>Engine errors keyed by the JSON path of what the admin wrote: `parts.html`, `parts.data.x`,
    /// `layout`, `partials.footer`; the message starts with the 1-based line and column.</summary>
    public static Dictionary<string, string[]> ToFieldErrors(IEnumerable<TemplateError> errors, Func<string, string> fieldOf) =>
        errors.GroupBy(e => fieldOf(e.Part))
            .ToDictionary(g => g.Key,
                g => g.Select(e => e.Line > 0 ? $"Line {e.Line}, column {e.Column}: {e.Message}" : e.Message).ToArray());

    public static string TemplateField(string part) => part switch
    {
        "layout" => "layout",
        _ when part.StartsWith("partial:", StringComparison.Ordinal) => "partials." + part[8..],
        _ => "parts." + part,
    };

    public static void CheckOptionalVariables(string[]? optional, IDictionary<string, string[]> errors)
    {
        if (optional is null) return;
        if (optional.Length > MaxOptionalVariables) errors["optionalVariables"] = [$"At most {MaxOptionalVariables} entries."];
        for (var i = 0; i < optional.Length; i++)
            if (string.IsNullOrWhiteSpace(optional[i]) || optional[i].Length > 200)
                errors[$"optionalVariables[{i}]"] = ["A variable path such as user.lastName (1 to 200 characters)."];
    }
}
