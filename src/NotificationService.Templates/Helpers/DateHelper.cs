using System.Globalization;
using HandlebarsDotNet;

namespace NotificationService.Templates.Helpers;

/// <summary><c>{{formatDate value [format] [timeZone] [culture]}}</c>.
/// value: an ISO 8601 string, or a number of Unix seconds (below 1e11) or milliseconds.
/// format: a .NET date format string, default "g" (the culture's short date and time).
/// timeZone: an IANA or Windows id, default RenderOptions.TimeZone, then UTC.
/// A value that is not a date is printed unchanged rather than failing the whole message.</summary>
internal static class DateHelper
{
    public static object? FormatDate(Arguments args)
    {
        if (args.Length == 0 || HelperValues.IsMissing(args[0])) return "";
        var format = HelperValues.OptionalText(args, 1) ?? "g";
        var zoneId = HelperValues.OptionalText(args, 2) ?? RenderScope.Current?.TimeZone;
        var culture = HelperValues.Culture(HelperValues.OptionalText(args, 3));

        if (!TryReadInstant(args[0], out var instant)) return HelperValues.AsText(args[0]);
        var local = TimeZoneInfo.ConvertTime(instant, FindZone(zoneId));
        return local.ToString(format, culture);
    }

    private static bool TryReadInstant(object? value, out DateTimeOffset instant)
    {
        switch (value)
        {
            case DateTimeOffset dto: instant = dto; return true;
            case DateTime dt:
                instant = new DateTimeOffset(DateTime.SpecifyKind(dt, dt.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : dt.Kind));
                return true;
            case string s:
                return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out instant);
        }
        if (HelperValues.TryNumber(value, out var n) && Math.Abs(n) < 1e15m)
        {
            var ms = Math.Abs(n) < 1e11m ? n * 1000 : n;
            instant = DateTimeOffset.FromUnixTimeMilliseconds((long)ms);
            return true;
        }
        instant = default;
        return false;
    }

    private static TimeZoneInfo FindZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return TimeZoneInfo.Utc;
        // TryFindSystemTimeZoneById takes a lock on every call; a render's dates are nearly always in the
        // RenderOptions zone, so the last answer per thread is checked first (same instances either way).
        var last = lastZone;
        if (last is not null && string.Equals(last.Value.Id, id, StringComparison.Ordinal)) return last.Value.Zone;
        // An unknown zone falls back to UTC: a typo in a template must not stop a password reset.
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) ? found : TimeZoneInfo.Utc;
        lastZone = (id, zone);
        return zone;
    }

    [ThreadStatic] private static (string Id, TimeZoneInfo Zone)? lastZone;
}
