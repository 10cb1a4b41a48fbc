using System.Text;
using CsvHelper;
using NotificationService.Features.Sending.Bulk;

namespace NotificationService.Tests.Features.Sending.Bulk;

/// <summary>
/// The cap reads quoting as CsvHelper does, so records, fields and lines are what CsvHelper reads from the file itself;
/// only each field's content past the cap is gone (never half a character), and a giant cell is never held in memory.
/// </summary>
public class CsvFieldCapTests
{
    private sealed record Row(long Line, string[] Fields);

    private static CsvReaderOptions Options(char separator) => new()
    {
        Separator = separator, HasHeader = false, AllowLineBreaksInQuotes = true, TrackLineNumbers = true,
        FieldCountMismatch = CsvFieldCountHandling.Allow, MalformedData = CsvMalformedDataHandling.Recover,
    };

    private static List<Row> Read(Stream stream, char separator, CsvFieldCap? cap = null)
    {
        using var csv = CsvReader.Create(stream, Options(separator), false);
        var rows = new List<Row>();
        while (csv.Read()) rows.Add(new Row(csv.LineNumber + (cap?.DroppedLinesBefore(csv.ByteOffset) ?? 0), csv.Current.ToArray()));
        return rows;
    }

    /// <summary>What a field should be after the cap: its first <paramref name="cap"/> UTF-8 bytes, then the character under way.</summary>
    private static string Capped(string field, int cap)
    {
        var bytes = Encoding.UTF8.GetBytes(field);
        if (bytes.Length <= cap) return field;
        var end = cap;
        while (end < bytes.Length && (bytes[end] & 0xC0) == 0x80) end++;
        return Encoding.UTF8.GetString(bytes, 0, end);
    }

    /// <summary>Random CSV in the shapes real and broken files have: quotes, `""`, separators and CR/LF/CRLF inside quotes,
    /// multi-byte characters, a quote that closes early (`"ab"cd`), a quote inside an unquoted field, empty fields and lines.</summary>
    private static string RandomCsv(Random random, char separator)
    {
        string[] pieces = ["a", "bc", "é", "😀", "€", " ", "\"\"", separator.ToString(), "\n", "\r\n", "\r", "x\"y"];
        var sb = new StringBuilder();
        for (var record = random.Next(1, 8); record > 0; record--)
        {
            for (var field = random.Next(1, 5); field > 0; field--)
            {
                var content = string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => pieces[random.Next(pieces.Length)]));
                var quoted = random.Next(4) > 0;
                sb.Append(quoted ? $"\"{content}\"" : content.Replace("\"", "").Replace(separator.ToString(), "").Replace("\r", "").Replace("\n", "") + (random.Next(6) == 0 ? "q\"r" : ""));
                if (quoted && random.Next(8) == 0) sb.Append("tail");   // malformed: text after the closing quote
                if (field > 1) sb.Append(separator);
            }
            sb.Append(random.Next(3) switch { 0 => "\n", 1 => "\r\n", _ => "\r" });
        }
        return sb.ToString();
    }

    /// <summary>Hands out at most a few bytes per read, so every boundary of the cap's input buffer is crossed
    /// (a MemoryStream for the members a read-only stream needs; reads come from <paramref name="inner"/>).</summary>
    private sealed class Trickle(Stream inner, Random random) : MemoryStream
    {
        public override int Read(Span<byte> buffer) => inner.Read(buffer[..Math.Min(buffer.Length, random.Next(1, 5))]);
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    }

    [Fact]
    public void Under_the_cap_CsvHelper_reads_the_same_records_fields_and_lines_through_it()
    {
        var random = new Random(20261123);
        for (var i = 0; i < 3000; i++)
        {
            var separator = ",;\t"[i % 3];
            var bytes = Encoding.UTF8.GetBytes(RandomCsv(random, separator));
            var direct = Read(new MemoryStream(bytes), separator);
            var cap = new CsvFieldCap(new Trickle(new MemoryStream(bytes), random), separator, 10_000);
            var capped = Read(cap, separator, cap);
            Assert.True(direct.Count == capped.Count, $"case {i}: {Encoding.UTF8.GetString(bytes)}");
            for (var r = 0; r < direct.Count; r++)
            {
                Assert.Equal(direct[r].Line, capped[r].Line);
                Assert.Equal(direct[r].Fields, capped[r].Fields);
            }
        }
    }

    [Fact]
    public void Over_the_cap_each_field_keeps_its_first_bytes_and_whole_characters_and_records_and_lines_stay_the_same()
    {
        var random = new Random(1123);
        for (var i = 0; i < 3000; i++)
        {
            var separator = ",;\t"[i % 3];
            var cap = random.Next(1, 9);
            var bytes = Encoding.UTF8.GetBytes(RandomCsv(random, separator));
            var direct = Read(new MemoryStream(bytes), separator);
            var stream = new CsvFieldCap(new Trickle(new MemoryStream(bytes), random), separator, cap);
            var capped = Read(stream, separator, stream);
            // Read a byte or two at a time, the output is the same (a `""` or a closing quote and separator can straddle reads).
            Assert.Equal(ReadAll(new CsvFieldCap(new MemoryStream(bytes), separator, cap), 64 * 1024), ReadAll(new CsvFieldCap(new MemoryStream(bytes), separator, cap), random.Next(1, 3)));
            Assert.True(direct.Count == capped.Count, $"case {i}, cap {cap}: {Encoding.UTF8.GetString(bytes)}");
            for (var r = 0; r < direct.Count; r++)
            {
                Assert.True(direct[r].Line == capped[r].Line, $"case {i}, cap {cap}, record {r}: line {capped[r].Line}, not {direct[r].Line}: {Encoding.UTF8.GetString(bytes)}");
                Assert.Equal(direct[r].Fields.Select(f => Capped(f, cap)), capped[r].Fields);
            }
        }
    }

    private static byte[] ReadAll(Stream stream, int chunk)
    {
        var output = new MemoryStream();
        var buffer = new byte[chunk];
        for (int n; (n = stream.Read(buffer, 0, chunk)) > 0;) output.Write(buffer, 0, n);
        return output.ToArray();
    }

    /// <summary>A 50 MB cell, produced as it is read (the test holds no copy), read through the cap and CsvHelper.</summary>
    private sealed class GiantCell(long cellBytes) : Stream
    {
        private readonly byte[] _head = "email,note\na@example.com,\""u8.ToArray(), _tail = "\"\nb@example.com,after\n"u8.ToArray();
        private long _position;
        private long Total => _head.Length + cellBytes + _tail.Length;

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, Total - _position);
            for (var i = 0; i < n; i++, _position++)
                buffer[i] = _position < _head.Length ? _head[_position]
                    : _position < _head.Length + cellBytes ? (byte)((_position - _head.Length) % 50 == 49 ? '\n' : 'x')
                    : _tail[_position - _head.Length - cellBytes];
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void A_50_MB_cell_is_never_held_the_reader_gets_its_first_64_KB_and_the_next_record_on_its_own_line()
    {
        const long cell = 50L * 1024 * 1024;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var stream = new CsvFieldCap(new GiantCell(cell), ',', BulkLimits.MaxCellBytes + 1);
        var rows = Read(stream, ',', stream);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(3, rows.Count);
        Assert.Equal(BulkLimits.MaxCellBytes + 1, rows[1].Fields[1].Length);
        Assert.Equal(["b@example.com", "after"], rows[2].Fields);
        Assert.Equal(2 + cell / 50 + 1, rows[2].Line);   // header, the record's first line, one more per line break in the cell
        Assert.True(allocated < 8 * 1024 * 1024, $"{allocated:N0} bytes allocated reading a {cell:N0}-byte cell");
    }
}
