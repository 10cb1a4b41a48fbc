using System.Buffers;

namespace NotificationService.Features.Sending.Bulk;

/// <summary>
/// Caps every CSV field at a number of bytes while the file streams, before CsvHelper sees it: CsvHelper holds a whole
/// record in its buffer, so one 50 MB cell was 50 MB of buffer, 100 MB of string and 52 MB of stored `data`. Past the
/// cap, the rest of the field is skipped (a character is never split) and its quotes, separators and line breaks are
/// kept, so records and field counts are what CsvHelper would have read; the kept part is one byte over the limit, so
/// <see cref="BulkRowMapper"/> rejects the row naming its column. Quoting is read as CsvHelper reads it (checked in
/// CsvFieldCapTests): a quote opens a field only at its start, `""` inside quotes is one quote, and a quote that closes
/// before other characters ends the quoted part (`"ab"cd` is `abcd`); CR, LF and CRLF end a record.
/// </summary>
public sealed class CsvFieldCap(Stream inner, char separator, int maxFieldBytes) : Stream
{
    private enum State { FieldStart, Unquoted, Quoted, QuoteInQuoted }

    private static readonly SearchValues<byte> QuotedStops = SearchValues.Create("\""u8);
    private readonly SearchValues<byte> _unquotedStops = SearchValues.Create([(byte)separator, (byte)'\n', (byte)'\r']);
    private readonly byte _separator = (byte)separator;
    private readonly byte[] _in = new byte[64 * 1024];
    private readonly byte[] _pending = new byte[2];   // the second byte of `""` or `"`+separator when the caller's buffer was full
    private int _inPos, _inLen, _pendingLength, _fieldBytes;
    private bool _eof, _dropping, _afterCr;
    private State _state = State.FieldStart;
    private long _emitted, _droppedBytes, _droppedLines;
    /// <summary>After each cut field: where the output was, and how many bytes and line breaks had been skipped by then.</summary>
    private readonly List<(long Output, long Bytes, long Lines)> _cuts = [];

    /// <summary>Bytes of the file skipped before <paramref name="outputOffset"/> (a record's CsvHelper ByteOffset): progress
    /// counts the file's bytes.</summary>
    public long DroppedBytesBefore(long outputOffset) => Before(outputOffset).Bytes;

    /// <summary>Line breaks skipped (inside cut quoted cells) before a record: its file line is CsvHelper's line plus these.</summary>
    public long DroppedLinesBefore(long outputOffset) => Before(outputOffset).Lines;

    private (long Output, long Bytes, long Lines) Before(long outputOffset)
    {
        var (lo, hi) = (0, _cuts.Count - 1);
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (_cuts[mid].Output < outputOffset) lo = mid + 1; else hi = mid - 1;
        }
        return hi >= 0 ? _cuts[hi] : default;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            if (_inPos == _inLen && !_eof) { _inLen = inner.Read(_in); _inPos = 0; _eof = _inLen == 0; }
            if (Transform(buffer) is var written && (written > 0 || _eof)) return written;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (_inPos == _inLen && !_eof) { _inLen = await inner.ReadAsync(_in, cancellationToken); _inPos = 0; _eof = _inLen == 0; }
            if (Transform(buffer.Span) is var written && (written > 0 || _eof)) return written;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Transform(Span<byte> output)
    {
        var o = 0;
        for (; _pendingLength > 0 && o < output.Length; _pendingLength--) { output[o++] = _pending[0]; _pending[0] = _pending[1]; }
        while (o < output.Length && _inPos < _inLen)
        {
            var input = _in.AsSpan(_inPos, _inLen - _inPos);
            var b = input[0];
            switch (_state)
            {
                case State.FieldStart:
                    _inPos++;
                    (_fieldBytes, _dropping, _afterCr) = (0, false, false);
                    if (b == '"') { Emit(output, ref o, b); _state = State.Quoted; }
                    else if (b == _separator || b is (byte)'\n' or (byte)'\r') Emit(output, ref o, b);
                    else { _state = State.Unquoted; if (Keep(b)) Emit(output, ref o, b); }
                    break;
                case State.Unquoted or State.Quoted:
                    var run = input.IndexOfAny(_state == State.Quoted ? QuotedStops : _unquotedStops) is var stop and >= 0
                        ? stop : input.Length;
                    if (run > 0) { Content(input[..run], output, ref o); break; }
                    _inPos++;
                    if (_state == State.Quoted) _state = State.QuoteInQuoted;   // held until the next byte says: `""` or the closing quote
                    else { EndField(); Emit(output, ref o, b); _state = State.FieldStart; }
                    break;
                case State.QuoteInQuoted:
                    _inPos++;
                    if (b == '"') { if (Keep(b)) { Emit(output, ref o, b); Emit(output, ref o, b); } _state = State.Quoted; }
                    else if (b == _separator || b is (byte)'\n' or (byte)'\r')
                    { Emit(output, ref o, (byte)'"'); EndField(); Emit(output, ref o, b); _state = State.FieldStart; }
                    else { Emit(output, ref o, (byte)'"'); _state = State.Unquoted; if (Keep(b)) Emit(output, ref o, b); }
                    break;
            }
        }
        if (_eof && _inPos == _inLen && _state == State.QuoteInQuoted && o < output.Length)
        { Emit(output, ref o, (byte)'"'); _state = State.FieldStart; }
        if (_eof && _inPos == _inLen) EndField();
        return o;
    }

    private void EndField()
    {
        if (_dropping && (_cuts.Count == 0 || _cuts[^1].Bytes != _droppedBytes)) _cuts.Add((_emitted, _droppedBytes, _droppedLines));
    }

    /// <summary>A run of field bytes: copied up to the cap, then the character under way finished, then skipped.</summary>
    private void Content(ReadOnlySpan<byte> run, Span<byte> output, ref int o)
    {
        if (!_dropping && _fieldBytes < maxFieldBytes)
        {
            var take = Math.Min(Math.Min(run.Length, maxFieldBytes - _fieldBytes), output.Length - o);
            run[..take].CopyTo(output[o..]);
            (o, _fieldBytes, _inPos, _emitted) = (o + take, _fieldBytes + take, _inPos + take, _emitted + take);
            _afterCr = take > 0 && run[take - 1] == '\r';
            return;
        }
        if (!_dropping)
        {
            _inPos++;
            if (Keep(run[0])) Emit(output, ref o, run[0]);
            return;
        }
        // Line breaks as CsvHelper counts them (CRLF, CR, LF: one each), so file lines stay right after a cut cell.
        _droppedLines += run.Count((byte)'\n') + run.Count((byte)'\r') - run.Count("\r\n"u8) - (_afterCr && run[0] == '\n' ? 1 : 0);
        _afterCr = run[^1] == '\r';
        _droppedBytes += run.Length;
        _inPos += run.Length;
    }

    /// <summary>Whether one field byte is kept: under the cap, or a continuation byte of a character begun under it.</summary>
    private bool Keep(byte b)
    {
        var afterCr = _afterCr;
        _afterCr = b == '\r';
        if (!_dropping && (_fieldBytes < maxFieldBytes || (b & 0xC0) == 0x80)) { _fieldBytes++; return true; }
        _dropping = true;
        _droppedBytes++;
        if (b == '\r' || b == '\n' && !afterCr) _droppedLines++;
        return false;
    }

    private void Emit(Span<byte> output, ref int o, byte b)
    {
        _emitted++;
        if (o < output.Length) output[o++] = b;
        else _pending[_pendingLength++] = b;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
