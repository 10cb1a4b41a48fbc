using System.Text;
using System.Text.Json;

namespace NotificationService.Infrastructure;

/// <summary>
/// Text PostgreSQL can store: no NUL (text and jsonb refuse `\u0000`) and no unpaired UTF-16 surrogate (it has no
/// UTF-8 form). Found anywhere in a request, it is a 400 naming the field or parameter, never a 500 from the database.
/// </summary>
public static class StorableText
{
    public const string Problem = "Contains a character that cannot be stored (NUL, or an unpaired surrogate).";

    public static bool IsStorable(string? s)
    {
        if (s is null) return true;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '\0') return false;
            if (char.IsHighSurrogate(c)) { if (i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; } return false; }
            if (char.IsLowSurrogate(c)) return false;
        }
        return true;
    }

    /// <summary>The text with each unstorable character replaced by U+FFFD, to report it back (a rejected CSV row's cells).</summary>
    public static string Replaced(string s)
    {
        if (IsStorable(s)) return s;
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1])) { i++; continue; }
            if (chars[i] == '\0' || char.IsSurrogate(chars[i])) chars[i] = '\uFFFD';
        }
        return new string(chars);
    }

    /// <summary>
    /// The path (`recipient.email`, `data.items[2]`) of the first JSON string, property name or value, that is not
    /// storable; null when all are. Only escapes can make one (`\u0000`, a lone `\ud800`): bodies without them are
    /// not walked.
    /// </summary>
    public static string? FindInJson(ReadOnlySpan<byte> json)
    {
        if (!MayHideOne(json)) return null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        var frames = new List<Frame>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    frames.RemoveAt(frames.Count - 1);
                    ValueDone(frames);
                    break;
                case JsonTokenType.PropertyName:
                    frames[^1].Property = Read(ref reader) is { } name && IsStorable(name) ? name : null;
                    if (frames[^1].Property is null) { frames[^1].Property = Sanitize(Raw(ref reader)); return PathOf(frames); }
                    break;
                case JsonTokenType.String:
                    if (Read(ref reader) is not { } value || !IsStorable(value)) return PathOf(frames);
                    ValueDone(frames);
                    break;
                default:
                    ValueDone(frames);
                    break;
            }
        }
        return null;
    }

    /// <summary>The string, or null when it cannot be one (an escaped high surrogate with no low one after it).</summary>
    private static string? Read(ref Utf8JsonReader reader)
    {
        try { return reader.GetString(); }
        catch (InvalidOperationException) { return null; }
    }

    private static string Raw(ref Utf8JsonReader reader) => Encoding.UTF8.GetString(reader.ValueSpan);

    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;
        public int Index;
        public string? Property;
    }

    private static void ValueDone(List<Frame> frames)
    {
        if (frames.Count > 0 && frames[^1].IsArray) frames[^1].Index++;
    }

    /// <summary>`recipient.email`, `data.items[2]`; `$` for the document itself.</summary>
    private static string PathOf(List<Frame> frames)
    {
        var sb = new StringBuilder();
        foreach (var f in frames)
        {
            if (f.IsArray) sb.Append('[').Append(f.Index).Append(']');
            else if (f.Property is { } p) sb.Append(sb.Length > 0 ? "." : "").Append(p);
        }
        return sb.Length == 0 ? "$" : sb.ToString();
    }

    /// <summary>A property name that is itself the problem, printable in the answer.</summary>
    private static string Sanitize(string raw) => raw.Replace("\\u0000", "?").Replace("\0", "?");

    /// <summary>`\u0000` or a `\uD800`–`\uDFFF` escape somewhere (a surrogate pair is judged after decoding).</summary>
    private static bool MayHideOne(ReadOnlySpan<byte> json)
    {
        for (var i = json.IndexOf("\\u"u8); i >= 0 && i + 5 < json.Length; )
        {
            var h = json.Slice(i + 2, 4);
            var (d1, d2) = (h[0] | 0x20, h[1] | 0x20);
            if (h.SequenceEqual("0000"u8) || d1 == 'd' && (d2 is '8' or '9' || d2 is >= 'a' and <= 'f')) return true;
            var next = json[(i + 2)..].IndexOf("\\u"u8);
            if (next < 0) return false;
            i += 2 + next;
        }
        return false;
    }
}
