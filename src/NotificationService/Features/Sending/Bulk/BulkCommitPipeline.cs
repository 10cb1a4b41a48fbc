namespace NotificationService.Features.Sending.Bulk;

/// <summary>
/// Keeps up to <c>inFlight</c> chunk commits running while the reader parses the next chunk. Each chunk
/// commits in its own transaction with its row range, so the order they finish in does not matter.
/// Disposing waits for every commit started, so a failed job is only marked failed once nothing is running.
/// </summary>
public sealed class BulkCommitPipeline(Func<BulkChunk, CancellationToken, Task<bool>> commit, int inFlight) : IAsyncDisposable
{
    private readonly Queue<Task<bool>> _running = new();
    private bool _cancelled;

    /// <returns>False once the job was found cancelled: stop reading.</returns>
    public async Task<bool> AddAsync(BulkChunk chunk, CancellationToken ct)
    {
        _running.Enqueue(Task.Run(() => commit(chunk, ct), ct));
        while (_running.Count > inFlight && !_cancelled)
            _cancelled = !await _running.Dequeue();
        return !_cancelled;
    }

    /// <returns>False when the job was cancelled meanwhile.</returns>
    public async Task<bool> CompleteAsync()
    {
        while (_running.Count > 0) _cancelled |= !await _running.Dequeue();
        return !_cancelled;
    }

    public async ValueTask DisposeAsync()
    {
        while (_running.Count > 0)
        {
            try { await _running.Dequeue(); }
            catch { /* the job is failing or being retried already; the first error is the one reported */ }
        }
    }
}
