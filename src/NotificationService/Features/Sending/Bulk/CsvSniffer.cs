using System.Text;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>
/// Looks at the first megabyte before a job is accepted, so that a file that is not a CSV, not UTF-8,
/// has no header, or lacks the column the channel needs is a 400 with nothing enqueued.
/// Also detects the delimiter among `,` `;` and tab from the header line.
/// </summary>
public static class CsvSniffer
{
    public sealed record Sniffed(string Delimiter, IReadOnlyList<string> Header);

    public static Sniffed Inspect(ReadOnlySpan<byte> head, BulkOptions options)
    {
        if (head.IsEmpty) throw RequestValidationException.For("file", "The file is empty.");
        if (head.IndexOf((byte)0) >= 0)
            throw RequestValidationException.For("file", "This is a binary file, not a CSV (it contains NUL bytes).");
        var text = DecodeStrict(head);
        if (text.StartsWith('\uFEFF')) text = text[1..];
        var end = text.IndexOf('\n');
        var headerLine = (end < 0 ? text : text[..end]).TrimEnd('\r');
        if (string.IsNullOrWhiteSpace(headerLine)) throw RequestValidationException.For("file", "The file has no header line.");

        var delimiter = new[] { ",", ";", "\t" }.MaxBy(d => CountOutsideQuotes(headerLine, d[0]))!;
        var header = SplitHeader(headerLine, delimiter[0]);
        if (header.Distinct(StringComparer.OrdinalIgnoreCase).Count() != header.Count || header.Any(string.IsNullOrWhiteSpace))
            throw RequestValidationException.For("file", "The header has an empty or repeated column name.");
        var withDelimiter = options with { Delimiter = delimiter };
        if (options.IsProfileImport && withDelimiter.ColumnFor("user_id", header) is null)
            throw RequestValidationException.For("file", "The header has no 'user_id' column, which a profile import needs.");
        if (!withDelimiter.RequiredFields.Any(f => withDelimiter.ColumnFor(f, header) is not null))
            throw RequestValidationException.For("file",
                $"The header has no '{string.Join("' or '", withDelimiter.RequiredFields)}' column, "
                + $"which the {options.Channel} channel needs (map another column with `mapping`).");
        return new Sniffed(delimiter, header);
    }

    private static string DecodeStrict(ReadOnlySpan<byte> head)
    {
        // A full first chunk may end inside a multi-byte character: then drop up to 3 trailing bytes.
        // A shorter head is the whole file, where an incomplete sequence is simply invalid.
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        var maxCut = head.Length == BulkFileStore.ChunkBytes ? 3 : 0;
        for (var cut = 0; cut <= maxCut && cut < head.Length; cut++)
        {
            try { return strict.GetString(head[..^cut]); }
            catch (DecoderFallbackException) when (cut < maxCut) { }
            catch (DecoderFallbackException) { break; }
        }
        throw RequestValidationException.For("file", "The file is not valid UTF-8 text.");
    }

    private static int CountOutsideQuotes(string line, char c)
    {
        var (count, quoted) = (0, false);
        foreach (var ch in line) { if (ch == '"') quoted = !quoted; else if (ch == c && !quoted) count++; }
        return count;
    }

    private static List<string> SplitHeader(string line, char delimiter)
    {
        var (fields, current, quoted) = (new List<string>(), new StringBuilder(), false);
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (ch == '"' && quoted && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
            else if (ch == '"') quoted = !quoted;
            else if (ch == delimiter && !quoted) { fields.Add(current.ToString().Trim()); current.Clear(); }
            else current.Append(ch);
        }
        fields.Add(current.ToString().Trim());
        return fields;
    }
}
