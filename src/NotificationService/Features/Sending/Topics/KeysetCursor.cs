using System.Text;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Topics;

/// <summary>A keyset cursor: the last key of a page, base64url so that any key or userId survives a query string.</summary>
public static class KeysetCursor
{
    public static string Encode(string last) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(last)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The key a cursor names, or a 400 naming `cursor`.</summary>
    public static string? Decode(string? cursor)
    {
        if (cursor is null) return null;
        var s = cursor.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(s));
            if (text.Length is > 0 and <= 256 && StorableText.IsStorable(text)) return text;
        }
        catch (Exception e) when (e is FormatException or ArgumentException) { }
        throw RequestValidationException.For("cursor", "Use the nextCursor of the previous page.");
    }

    public static int Limit(int? limit, int max = 200) =>
        limit is null ? Math.Min(50, max)
            : limit >= 1 && limit <= max ? limit.Value : throw RequestValidationException.For("limit", $"A limit from 1 to {max}.");
}
