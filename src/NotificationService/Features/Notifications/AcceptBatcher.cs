using NotificationService.Infrastructure;

namespace NotificationService.Features.Notifications;

/// <summary>
/// Group commit for the accept path: drafts from concurrent requests are written together (one job insert, one
/// notification insert, sent as one batch: <see cref="NotificationWriter.AcceptAsync"/>); what arrives while a group
/// commits forms the next group, so throughput is not capped by one fsync per request. Each request still gets its 202
/// only after its rows committed.
/// </summary>
/// <remarks>
/// Two groups at a time, not four. Most of what PostgreSQL spends on a group is per transaction (four round trips, the
/// COPY's start-up, the commit's WAL flush, which commits side by side wait for together anyway), so more groups at once
/// only made each smaller. `bench --only accept --ab 66ea201` (BENCHMARKS.md, "Fewer accept groups at once"): two
/// against four, PostgreSQL 55.1 against 73.0 µs per accepted send and accept alone 1.12 times as fast. One at a time
/// cut it to 36-37 µs, but in Mode=all its peak did not rise and its half-rate p99 spread widest (15.6-99.3 ms in four
/// rounds, four groups 24.1-51.8): one loop, each of whose round trips can wait for a thread behind the workers' items.
/// </remarks>
public sealed class AcceptBatcher : IAsyncDisposable
{
    private readonly BatchingWriter<IReadOnlyList<NotificationDraft>> _writer;

    public AcceptBatcher(NotificationWriter writer) => _writer = new(
        (groups, ct) => writer.AcceptAsync(groups.SelectMany(g => g).ToList(), ct), maxBatch: 256, parallelism: 2);

    public Task WriteAsync(IReadOnlyList<NotificationDraft> drafts) => _writer.WriteAsync(drafts);

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
