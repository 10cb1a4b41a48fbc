using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NotificationService.Infrastructure;

/// <summary>
/// Every date-time that enters the API becomes UTC here, the one place times are read: JSON bodies through
/// <see cref="JsonConverter"/> (registered in <see cref="JsonBody.Options"/>) and query strings through <see cref="UtcQueryTime"/>.
/// Why at the boundary: Npgsql refuses a DateTimeOffset whose offset is not zero for `timestamptz` (a 500 for
/// `2027-01-01T10:00:00+02:00`), and one instant written two ways must compare, key and store alike.
/// Accepted: ISO 8601 as System.Text.Json reads it (`2027-01-01T10:00:00+02:00`, `…Z`, fractions, a date alone),
/// RFC 3339's lower-case `t` and `z`; a time without an offset is taken as UTC (never the server's own zone).
/// </summary>
public static class UtcTime
{
    /// <summary>Longer than any ISO 8601 date-time (`yyyy-MM-ddTHH:mm:ss.fffffff+hh:mm` is 33): no parser sees a 5,000-character
    /// value.</summary>
    private const int MaxLength = 40;
    private static readonly System.Buffers.SearchValues<char> DateTimeCharacters = System.Buffers.SearchValues.Create("0123456789-+:.TtZz");

    public static bool TryParse(string? text, out DateTimeOffset utc)
    {
        utc = default;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength || text.AsSpan().ContainsAnyExcept(DateTimeCharacters)) return false;
        // Upper-casing only changes the `t`/`z` RFC 3339 allows in lower case: digits, signs and colons have no case.
        var bytes = Encoding.UTF8.GetBytes($"\"{text.ToUpperInvariant()}\"");
        var reader = new Utf8JsonReader(bytes);
        return reader.Read() && TryRead(ref reader, out utc);
    }

    private static bool TryRead(ref Utf8JsonReader reader, out DateTimeOffset utc)
    {
        utc = default;
        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var at)) return false;
        // Without an offset the reader assumes the server's zone; the API's rule is UTC, whatever zone a host runs in.
        utc = reader.TryGetDateTime(out var local) && local.Kind == DateTimeKind.Unspecified
            ? new DateTimeOffset(local, TimeSpan.Zero)
            : at.ToUniversalTime();
        return true;
    }

    /// <summary>Reads any offset, hands on UTC; writes as the default converter does.</summary>
    public sealed class JsonConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (TryRead(ref reader, out var utc)) return utc;
            // Lower-case `t`/`z` (RFC 3339), or not a date-time at all: JsonBody turns the exception into a 400 naming the field.
            if (reader.TokenType == JsonTokenType.String && TryParse(reader.GetString(), out utc)) return utc;
            throw new JsonException("Not an ISO 8601 date-time.");
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value);
    }
}

/// <summary>
/// A date-time query parameter (`?from=2027-01-01T10:00:00%2B02:00`), bound by minimal APIs through <see cref="TryParse"/>
/// with <see cref="UtcTime"/>'s rules: the value is UTC. A value that is not a date-time is the framework's 400.
/// </summary>
public readonly record struct UtcQueryTime(DateTimeOffset Value)
{
    public static bool TryParse(string? value, IFormatProvider? provider, out UtcQueryTime result)
    {
        var ok = UtcTime.TryParse(value, out var utc);
        result = new UtcQueryTime(utc);
        return ok;
    }

    public static implicit operator DateTimeOffset(UtcQueryTime t) => t.Value;
}
