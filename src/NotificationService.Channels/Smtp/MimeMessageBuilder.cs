using System.Globalization;
using System.Text;

namespace NotificationService.Channels.Smtp;

/// <summary>
/// Builds an RFC 5322 / MIME message: UTF-8 headers as RFC 2047 encoded-words, text and html as
/// quoted-printable parts of a multipart/alternative (a single part when only one is present).
/// Output uses CRLF line endings and 7-bit characters only; dot-stuffing is the transport's job.
/// </summary>
public static class MimeMessageBuilder
{
    public sealed record Email(string FromEmail, string? FromName, string To, string? ReplyTo, string Subject, string? Text, string? Html, string MessageId, IReadOnlyList<KeyValuePair<string, string>> ExtraHeaders);

    public static string Build(Email email, DateTimeOffset date)
    {
        var sb = new StringBuilder();
        Header(sb, "From", Mailbox(email.FromName, email.FromEmail));
        Header(sb, "To", $"<{email.To}>");
        if (!string.IsNullOrEmpty(email.ReplyTo)) Header(sb, "Reply-To", $"<{email.ReplyTo}>");
        Header(sb, "Subject", EncodeHeaderText(email.Subject));
        Header(sb, "Date", date.ToUniversalTime().ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture));
        Header(sb, "Message-ID", $"<{email.MessageId}>");
        foreach (var (name, value) in email.ExtraHeaders) Header(sb, name, EncodeHeaderText(value));
        Header(sb, "MIME-Version", "1.0");

        if (!string.IsNullOrEmpty(email.Text) && !string.IsNullOrEmpty(email.Html))
        {
            var boundary = "=_alt_" + Guid.NewGuid().ToString("N");
            Header(sb, "Content-Type", $"multipart/alternative; boundary=\"{boundary}\"");
            sb.Append("\r\n");
            sb.Append("This is a multi-part message in MIME format.\r\n");
            Part(sb, boundary, "text/plain", email.Text);
            Part(sb, boundary, "text/html", email.Html);
            sb.Append("--").Append(boundary).Append("--\r\n");
        }
        else
        {
            var (type, content) = !string.IsNullOrEmpty(email.Html) ? ("text/html", email.Html) : ("text/plain", email.Text ?? "");
            Header(sb, "Content-Type", $"{type}; charset=utf-8");
            Header(sb, "Content-Transfer-Encoding", "quoted-printable");
            sb.Append("\r\n").Append(QuotedPrintable(content));
        }
        return sb.ToString();
    }

    private static void Part(StringBuilder sb, string boundary, string type, string content)
    {
        sb.Append("--").Append(boundary).Append("\r\n");
        sb.Append("Content-Type: ").Append(type).Append("; charset=utf-8\r\n");
        sb.Append("Content-Transfer-Encoding: quoted-printable\r\n\r\n");
        sb.Append(QuotedPrintable(content)).Append("\r\n");
    }

    private static void Header(StringBuilder sb, string name, string value) =>
        // A bare CR or LF in a value would inject headers: only our own folding (CRLF + space) survives.
        sb.Append(name).Append(": ")
          .Append(value.Replace("\r\n ", "\0").Replace("\r", " ").Replace("\n", " ").Replace("\0", "\r\n "))
          .Append("\r\n");

    private static string Mailbox(string? name, string address)
    {
        if (string.IsNullOrWhiteSpace(name)) return $"<{address}>";
        if (IsPlainAscii(name)) return $"\"{name.Replace("\\", "\\\\").Replace("\"", "\\\"")}\" <{address}>";
        return $"{EncodeHeaderText(name)} <{address}>";
    }

    private static bool IsPlainAscii(string s) => s.All(c => c is >= ' ' and <= '~');

    /// <summary>RFC 2047 B-encoding in UTF-8, split into encoded-words of at most 75 characters, never splitting a character.</summary>
    public static string EncodeHeaderText(string text)
    {
        text = text.Replace("\r", "").Replace("\n", " ");
        if (IsPlainAscii(text) && text.Length <= 900) return text;
        var words = new List<string>();
        var chunk = new StringBuilder();
        var chunkBytes = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var n = rune.Utf8SequenceLength;
            if (chunkBytes + n > 45) // 45 bytes -> 60 base64 chars + 12 for "=?utf-8?B??=" = 72
            {
                words.Add(Word(chunk.ToString()));
                chunk.Clear();
                chunkBytes = 0;
            }
            chunk.Append(rune.ToString());
            chunkBytes += n;
        }
        if (chunk.Length > 0) words.Add(Word(chunk.ToString()));
        return string.Join("\r\n ", words); // folded: continuation lines start with whitespace
        static string Word(string s) => "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(s)) + "?=";
    }

    /// <summary>Quoted-printable (RFC 2045 §6.7) of UTF-8 text; line breaks become CRLF hard breaks, long lines get soft breaks.</summary>
    public static string QuotedPrintable(string text)
    {
        var sb = new StringBuilder();
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var li = 0; li < lines.Length; li++)
        {
            var bytes = Encoding.UTF8.GetBytes(lines[li]);
            var lineLength = 0;
            for (var i = 0; i < bytes.Length; i++)
            {
                var b = bytes[i];
                var last = i == bytes.Length - 1;
                string token = (b is >= 33 and <= 126 && b != '=') || (b is (byte)' ' or (byte)'\t' && !last)
                    ? ((char)b).ToString()
                    : "=" + b.ToString("X2");
                if (lineLength + token.Length > 75)
                {
                    sb.Append("=\r\n");
                    lineLength = 0;
                }
                sb.Append(token);
                lineLength += token.Length;
            }
            if (li < lines.Length - 1) sb.Append("\r\n");
        }
        return sb.ToString();
    }
}
