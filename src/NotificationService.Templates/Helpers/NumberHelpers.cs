using System.Collections.Concurrent;
using System.Globalization;
using HandlebarsDotNet;

namespace NotificationService.Templates.Helpers;

/// <summary><c>{{formatNumber value [decimals] [culture]}}</c> and
/// <c>{{formatCurrency amount currencyCode [culture]}}</c>.</summary>
internal static class NumberHelpers
{
    // ISO 4217 minor units that differ from the usual 2; .NET's RegionInfo does not expose them.
    private static readonly Dictionary<string, int> MinorUnits = new(StringComparer.OrdinalIgnoreCase)
    {
        ["BIF"] = 0, ["CLP"] = 0, ["DJF"] = 0, ["GNF"] = 0, ["ISK"] = 0, ["JPY"] = 0, ["KMF"] = 0,
        ["KRW"] = 0, ["PYG"] = 0, ["RWF"] = 0, ["UGX"] = 0, ["VND"] = 0, ["VUV"] = 0, ["XAF"] = 0,
        ["XOF"] = 0, ["XPF"] = 0, ["BHD"] = 3, ["IQD"] = 3, ["JOD"] = 3, ["KWD"] = 3, ["LYD"] = 3,
        ["OMR"] = 3, ["TND"] = 3,
    };

    private static readonly ConcurrentDictionary<(string Code, string Culture), NumberFormatInfo> CurrencyFormats = new();

    public static object? FormatNumber(Arguments args)
    {
        if (args.Length == 0 || !HelperValues.TryNumber(args[0], out var value))
            return HelperValues.AsText(args.Length > 0 ? args[0] : null);
        var culture = HelperValues.Culture(HelperValues.OptionalText(args, 2));
        var decimals = args.Length > 1 && HelperValues.TryNumber(args[1], out var d) ? (int)Math.Clamp(d, 0, 20) : -1;
        var format = decimals >= 0 ? "N" + decimals : "#,0.############################";
        return value.ToString(format, culture);
    }

    public static object? FormatCurrency(Arguments args)
    {
        if (args.Length == 0 || !HelperValues.TryNumber(args[0], out var amount))
            return HelperValues.AsText(args.Length > 0 ? args[0] : null);
        var code = HelperValues.OptionalText(args, 1) ?? "";
        var culture = HelperValues.Culture(HelperValues.OptionalText(args, 2));
        // An order's lines all ask for the same currency and culture, usually the very same code string from
        // the data: remembering the last answer per thread skips the trimming and the two-key dictionary look-up.
        var last = lastCurrency;
        if (last is null || !ReferenceEquals(last.Culture, culture) || !string.Equals(last.Code, code, StringComparison.Ordinal))
            lastCurrency = last = new CurrencyChoice(code, culture, CurrencyFormat(code, culture));
        return last.Format is null ? amount.ToString("N2", culture) : amount.ToString("C", last.Format);
    }

    [ThreadStatic] private static CurrencyChoice? lastCurrency;

    /// <summary>The format for a currency code as written in the template or data; null when it is not a
    /// three-letter code, which prints a plain number.</summary>
    private sealed record CurrencyChoice(string Code, CultureInfo Culture, NumberFormatInfo? Format);

    private static NumberFormatInfo? CurrencyFormat(string rawCode, CultureInfo culture)
    {
        var code = rawCode.Trim().ToUpperInvariant();
        if (code.Length != 3) return null;
        // The factory takes the culture as an argument: a lambda capturing it would allocate on every call, hit or miss.
        return CurrencyFormats.GetOrAdd((code, culture.Name), static (key, c) => BuildFormat(key.Code, c), culture);
    }

    private static NumberFormatInfo BuildFormat(string code, CultureInfo culture)
    {
        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        format.CurrencySymbol = SymbolFor(code, culture);
        format.CurrencyDecimalDigits = MinorUnits.GetValueOrDefault(code, 2);
        return format;
    }

    /// <summary>The culture's own symbol when it uses this currency; otherwise the symbol used where the
    /// currency is native (preferring the same language), and the ISO code when nothing matches.</summary>
    private static string SymbolFor(string code, CultureInfo culture)
    {
        if (!culture.Equals(CultureInfo.InvariantCulture) && TryRegion(culture)?.ISOCurrencySymbol == code)
            return culture.NumberFormat.CurrencySymbol;
        CultureInfo? fallback = null;
        foreach (var candidate in CultureInfo.GetCultures(CultureTypes.SpecificCultures))
        {
            if (TryRegion(candidate)?.ISOCurrencySymbol != code) continue;
            if (candidate.TwoLetterISOLanguageName == culture.TwoLetterISOLanguageName) return candidate.NumberFormat.CurrencySymbol;
            if (fallback is null || candidate.TwoLetterISOLanguageName == "en") fallback = candidate;
        }
        return fallback?.NumberFormat.CurrencySymbol ?? code;
    }

    private static RegionInfo? TryRegion(CultureInfo culture)
    {
        try { return new RegionInfo(culture.Name); }
        catch (ArgumentException) { return null; }
    }
}
