using System.Buffers;
using System.Net;
using System.Net.Http.Headers;

namespace NotificationService.Client.Http;

/// <summary>
/// A file part that reports its progress and can be sent again by a retry: a seekable stream is rewound to where it
/// started; a stream that cannot seek is sent once (a retry of it fails, saying why, rather than sending half a file).
/// </summary>
internal sealed class UploadContent : HttpContent
{
    private readonly Stream _stream;
    private readonly long _start;
    private readonly IProgress<UploadProgress>? _progress;
    private bool _sent;

    public UploadContent(Stream stream, IProgress<UploadProgress>? progress)
    {
        _stream = stream;
        _start = stream.CanSeek ? stream.Position : 0;
        _progress = progress;
        Headers.ContentType = new MediaTypeHeaderValue("text/csv");
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream target, TransportContext? context, CancellationToken cancellationToken)
    {
        if (_sent)
        {
            if (!_stream.CanSeek)
                throw new InvalidOperationException("The upload cannot be retried: its stream cannot seek back. "
                    + "Pass a seekable stream (a FileStream, a MemoryStream) to have uploads retried.");
            _stream.Position = _start;
        }
        _sent = true;
        long? total = _stream.CanSeek ? _stream.Length - _start : null;
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long sent = 0;
            int read;
            while ((read = await _stream.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                sent += read;
                _progress?.Report(new UploadProgress(sent, total));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _stream.CanSeek ? _stream.Length - _start : -1;
        return _stream.CanSeek;
    }
}
