using System.Globalization;
using System.Text.Json;
using HandlebarsDotNet;

namespace NotificationService.Templates.Helpers;

/// <summary><c>default upper lower capitalize truncate json</c>.</summary>
internal static class TextHelpers
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };

    /// <summary><c>{{default value fallback}}</c>: fallback when value is missing, null or "".</summary>
    public static object? Default(Arguments args)
    {
        var value = args.Length > 0 ? args[0] : null;
        var missing = HelperValues.IsMissing(value) || value is string { Length: 0 };
        return missing ? (args.Length > 1 && !HelperValues.IsMissing(args[1]) ? args[1] : "") : value;
    }

    public static object? Upper(Arguments args) => Text(args).ToUpperInvariant();

    public static object? Lower(Arguments args) => Text(args).ToLowerInvariant();

    /// <summary>Upper-cases the first letter only; the rest is left as written.</summary>
    public static object? Capitalize(Arguments args)
    {
        var text = Text(args);
        return text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
    }

    /// <summary><c>{{truncate value length [suffix]}}</c>: at most <c>length</c> characters of text, then the
    /// suffix ("…" by default) when something was cut. Never splits a surrogate pair.</summary>
    public static object? Truncate(Arguments args)
    {
        var text = Text(args);
        if (args.Length < 2 || !HelperValues.TryNumber(args[1], out var max) || max < 0) return text;
        var length = (int)Math.Min(max, int.MaxValue);
        if (new StringInfo(text).LengthInTextElements <= length) return text;
        var suffix = HelperValues.OptionalText(args, 2) ?? "…";
        var cut = new StringInfo(text).SubstringByTextElements(0, length);
        return cut.TrimEnd() + suffix;
    }

    /// <summary><c>{{json value}}</c>: the value as compact JSON (escaped like any value in HTML parts;
    /// use <c>{{{json value}}}</c> inside a script block).</summary>
    public static object? Json(Arguments args)
    {
        var value = args.Length > 0 && !HelperValues.IsMissing(args[0]) ? args[0] : null;
        return JsonSerializer.Serialize(value, JsonOptions);
    }

    private static string Text(Arguments args) => HelperValues.AsText(args.Length > 0 ? args[0] : null);
}
