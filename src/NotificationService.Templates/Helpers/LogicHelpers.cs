using HandlebarsDotNet;

namespace NotificationService.Templates.Helpers;

/// <summary><c>eq ne gt lt and or not</c>: return booleans so they work as subexpressions,
/// e.g. <c>{{#if (and (gt total 100) (not vip))}}</c>.</summary>
internal static class LogicHelpers
{
    public static object? Eq(Arguments args) => LooseEquals(Arg(args, 0), Arg(args, 1));

    public static object? Ne(Arguments args) => !LooseEquals(Arg(args, 0), Arg(args, 1));

    public static object? Gt(Arguments args) => Compare(Arg(args, 0), Arg(args, 1)) is > 0;

    public static object? Lt(Arguments args) => Compare(Arg(args, 0), Arg(args, 1)) is < 0;

    public static object? And(Arguments args)
    {
        if (args.Length == 0) return false;
        for (var i = 0; i < args.Length; i++)
            if (!HelperValues.IsTruthy(args[i])) return false;
        return true;
    }

    public static object? Or(Arguments args)
    {
        for (var i = 0; i < args.Length; i++)
            if (HelperValues.IsTruthy(args[i])) return true;
        return false;
    }

    public static object? Not(Arguments args) => !HelperValues.IsTruthy(Arg(args, 0));

    private static object? Arg(Arguments args, int index) =>
        args.Length > index && !HelperValues.IsMissing(args[index]) ? args[index] : null;

    /// <summary>Numbers compare by value (so 2 equals 2.0 and "2"), everything else as text;
    /// null equals only null.</summary>
    private static bool LooseEquals(object? a, object? b)
    {
        if (a is null || b is null) return a is null && b is null;
        if (a is bool || b is bool) return a.Equals(b);
        if (HelperValues.TryNumber(a, out var x) && HelperValues.TryNumber(b, out var y)) return x == y;
        return string.Equals(HelperValues.AsText(a), HelperValues.AsText(b), StringComparison.Ordinal);
    }

    /// <summary>Null when the values cannot be ordered (a missing side), so both gt and lt are false.</summary>
    private static int? Compare(object? a, object? b)
    {
        if (a is null || b is null) return null;
        if (HelperValues.TryNumber(a, out var x) && HelperValues.TryNumber(b, out var y)) return x.CompareTo(y);
        return string.CompareOrdinal(HelperValues.AsText(a), HelperValues.AsText(b));
    }
}
