using NotificationService.Infrastructure;

namespace NotificationService.Features.Notifications;

/// <summary>
/// Group commit for the accept path: drafts from concurrent requests are written in one transaction
/// (one job insert, one notification insert) while the previous group commits, so throughput is not
/// capped by one fsync per request. Each request still gets its 202 only after its rows committed.
/// </summary>
public sealed class AcceptBatcher : IAsyncDisposable
{
    private readonly BatchingWriter<IReadOnlyList<NotificationDraft>> _writer;

    public AcceptBatcher(NotificationLedger ledger, NotificationWriter writer) => _writer = new(async (groups, ct) =>
    {
        var drafts = groups.SelectMany(g => g).ToList();
        if (drafts.Count == 0) return;
        await using var tx = await ledger.BeginAsync(ct);
        await writer.InsertAsync(tx, drafts, ct);
        await tx.CommitAsync(ct);
    }, maxBatch: 256, parallelism: 4);

    public Task WriteAsync(IReadOnlyList<NotificationDraft> drafts) => _writer.WriteAsync(drafts);

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
