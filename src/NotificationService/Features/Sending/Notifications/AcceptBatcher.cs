using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>
/// Group commit for the accept path: drafts from concurrent requests are written together (one job insert, one
/// notification insert, sent as one batch: <see cref="NotificationWriter.AcceptAsync"/>); what arrives while a group
/// commits forms the next group, so throughput is not capped by one fsync per request. Each request still gets its 202
/// only after its rows committed.
/// </summary>
/// <remarks>
/// Groups take turns, and a group that takes longer than 10 ms to commit is overtaken by the next. What PostgreSQL spends
/// on a group is mostly per transaction (the commit's WAL flush, the statements' start-up), so the bigger the groups the
/// cheaper each send: `bench --only accept` (BENCHMARKS.md, "Accept in one round trip, groups taking turns"), three
/// rounds each: with two groups always free to commit at once PostgreSQL spent 47.7 µs per accepted send, taking turns
/// 38.7, and accept alone rose 1.09 times. One group at a time did as well alone, but then a commit that stalls (a slow
/// WAL flush, a loop waiting for a thread behind the workers' items in Mode=all) holds every caller; the overtake is there
/// for that case. The price: Mode=all's p99 at half the peak rate is higher with turns (17-82 ms a round against 17-74 with
/// two groups always free; 54.7 against 37.5 and 49.3 against 22.7 ms in two runs against the commit before).
/// </remarks>
public sealed class AcceptBatcher : IAsyncDisposable
{
    private readonly BatchingWriter<IReadOnlyList<NotificationDraft>> _writer;

    public AcceptBatcher(NotificationWriter writer) => _writer = new(
        (groups, ct) => writer.AcceptAsync(groups.SelectMany(g => g).ToList(), ct),
        maxBatch: 256, parallelism: 2, overtakeAfter: TimeSpan.FromMilliseconds(10));

    public Task WriteAsync(IReadOnlyList<NotificationDraft> drafts) => _writer.WriteAsync(drafts);

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
