using System.Globalization;
using HandlebarsDotNet;

namespace NotificationService.Templates.Helpers;

/// <summary>Value coercions shared by the helpers. They mirror JavaScript's rules closely enough that
/// <c>{{#if (gt count 0)}}</c> behaves as a handlebars.js author expects.</summary>
internal static class HelperValues
{
    public static bool IsMissing(object? value) => value is null or UndefinedBindingResult;

    /// <summary>JavaScript truthiness: null, undefined, false, "", 0 and NaN are false; empty lists are true.</summary>
    public static bool IsTruthy(object? value) => value switch
    {
        null or UndefinedBindingResult => false,
        bool b => b,
        string s => s.Length > 0,
        double d => d != 0 && !double.IsNaN(d),
        _ when TryNumber(value, out var n) => n != 0,
        _ => true,
    };

    public static bool TryNumber(object? value, out decimal number)
    {
        switch (value)
        {
            case long l: number = l; return true;
            case int i: number = i; return true;
            case decimal m: number = m; return true;
            case double d when !double.IsNaN(d) && !double.IsInfinity(d) && Math.Abs(d) < 7.9e28:
                number = (decimal)d; return true;
            case float f when !float.IsNaN(f) && !float.IsInfinity(f) && Math.Abs(f) < 7.9e28f:
                number = (decimal)f; return true;
            case string s when s.Length > 0:
                return decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out number);
            default: number = 0; return false;
        }
    }

    /// <summary>Text as Handlebars would print it (invariant culture, so "1.5" never becomes "1,5").</summary>
    public static string AsText(object? value) => value switch
    {
        null or UndefinedBindingResult => "",
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static string? OptionalText(Arguments args, int index) =>
        args.Length > index && !IsMissing(args[index]) ? AsText(args[index]) : null;

    /// <summary>An explicit culture argument wins, then the render's default, then invariant.</summary>
    public static CultureInfo Culture(string? name)
    {
        name ??= RenderScope.Current?.Culture;
        if (string.IsNullOrWhiteSpace(name)) return CultureInfo.InvariantCulture;
        // A render asks for the same culture once per value, usually through the very same string
        // (RenderOptions.Culture): the last answer per thread is checked first.
        var last = lastCulture;
        if (last is not null && string.Equals(last.Value.Name, name, StringComparison.Ordinal)) return last.Value.Culture;
        var culture = FindCulture(name);
        lastCulture = (name, culture);
        return culture;
    }

    [ThreadStatic] private static (string Name, CultureInfo Culture)? lastCulture;

    /// <summary>Behind the per-thread memo: CultureInfo caches the instances itself (behind a lock, which the memo
    /// spares nearly every call).</summary>
    private static CultureInfo FindCulture(string name)
    {
        try { return CultureInfo.GetCultureInfo(name); }
        catch (CultureNotFoundException) { return CultureInfo.InvariantCulture; }
    }
}
