using NotificationService.Infrastructure;

namespace NotificationService.Features.Notifications;

/// <summary>
/// Group commit for the accept path: drafts from concurrent requests are written in one transaction
/// (one job insert, one notification insert); what arrives while a group commits forms the next group, so
/// throughput is not capped by one fsync per request. Each request still gets its 202 only after its rows committed.
/// </summary>
/// <remarks>
/// One group at a time. Most of what PostgreSQL spends on a group is per transaction (four round trips, the COPY's
/// start-up, the commit's WAL flush), and commits wait for one WAL flush anyway, so groups committing side by side
/// only made each smaller. Two A/B runs (`bench --only accept --ab`, BENCHMARKS.md "One accept group at a time"):
/// two groups against four, PostgreSQL's CPU per accepted send 60.5 against 74.3 µs; one against two, 36.0 against
/// 53.4 µs; accept alone 1.04 and 1.08 times as fast, and the peak's p99 lower, not higher.
/// </remarks>
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
    }, maxBatch: 256, parallelism: 1);

    public Task WriteAsync(IReadOnlyList<NotificationDraft> drafts) => _writer.WriteAsync(drafts);

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
