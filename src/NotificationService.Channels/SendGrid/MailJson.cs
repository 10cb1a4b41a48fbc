using System.Buffers;
using System.Globalization;
using System.Text;
using global::SendGrid.Helpers.Mail;
using Newtonsoft.Json;

namespace NotificationService.Channels.SendGrid;

/// <summary>
/// A <see cref="SendGridMessage"/> as the UTF-8 JSON body of a mail send: the SDK's model, attributes and converters through
/// Newtonsoft.Json with the settings <c>SendGridMessage.Serialize()</c> uses, and nothing else. Serialize() builds its
/// serializer afresh on every call and returns a string that is then encoded again; here one serializer serves every send
/// (Newtonsoft's serializer is safe to share once configured) and writes into a per-thread buffer that is encoded once.
/// Serialize() also orders text/plain before text/html; <see cref="SendGridAdapter.BuildMessage"/> adds them in that order.
/// A spec holds the bytes equal to Serialize()'s and to what SendEmailAsync sends.
/// </summary>
internal static class MailJson
{
    private static readonly JsonSerializer Serializer = JsonSerializer.Create(new JsonSerializerSettings
    {
        NullValueHandling = NullValueHandling.Ignore,
        DefaultValueHandling = DefaultValueHandling.Include,
        StringEscapeHandling = StringEscapeHandling.EscapeHtml,
        Formatting = Formatting.None,
    });

    // Bodies past this size are not kept for the next send on the thread (an attachment-sized outlier).
    private const int KeptCapacity = 64 * 1024;
    [ThreadStatic] private static StringBuilder? _buffer;

    public static byte[] Utf8(SendGridMessage mail)
    {
        var text = _buffer ?? new StringBuilder(4096);
        _buffer = null;
        try
        {
            using (var writer = new JsonTextWriter(new StringWriter(text, CultureInfo.InvariantCulture)))
                Serializer.Serialize(writer, mail);
            // Encoded as one span (a surrogate pair may straddle the builder's chunks), through a pooled copy.
            var chars = ArrayPool<char>.Shared.Rent(text.Length);
            try
            {
                var json = chars.AsSpan(0, text.Length);
                text.CopyTo(0, json, text.Length);
                var bytes = new byte[Encoding.UTF8.GetByteCount(json)];
                Encoding.UTF8.GetBytes(json, bytes);
                return bytes;
            }
            finally { ArrayPool<char>.Shared.Return(chars); }
        }
        finally
        {
            if (text.Capacity <= KeptCapacity) _buffer = text.Clear();
        }
    }
}
