using NotificationService.Features.Sending.Notifications;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.ProviderCallbacks;

/// <summary>
/// Group commit for provider callbacks. Twilio and Meta post one status per request; applied one
/// transaction each, a burst costs a lock query, an update and a commit per event. Concurrent requests
/// are merged here: per provider config, one set-based pass through <see cref="StatusUpdater"/>, all in
/// one transaction, and each request still answers 200 only after its events committed, with its own counts.
/// If a merged group fails, BatchingWriter retries each request alone, so one bad request fails only itself.
/// </summary>
public sealed class CallbackBatcher : IAsyncDisposable
{
    private sealed class Pending(CallbackProvider provider, IReadOnlyList<ProviderEvent> events)
    {
        public CallbackProvider Provider { get; } = provider;
        public IReadOnlyList<ProviderEvent> Events { get; } = events;
        public StatusUpdater.Result? Result { get; set; }
    }

    private readonly BatchingWriter<Pending> _writer;

    public CallbackBatcher(NotificationLedger ledger, StatusUpdater updater) => _writer = new(async (items, ct) =>
    {
        await using var tx = await ledger.BeginAsync(ct);
        foreach (var group in items.GroupBy(i => i.Provider.Id))
        {
            var events = group.SelectMany(i => i.Events).ToList();
            var outcomes = await updater.ApplyInAsync(tx, group.First().Provider, events, park: true, ct);
            foreach (var item in group) item.Result = outcomes.For(item.Events);
        }
        await tx.CommitAsync(ct);
    }, maxBatch: 64, parallelism: 4);

    public async Task<StatusUpdater.Result> ApplyAsync(CallbackProvider provider, IReadOnlyList<ProviderEvent> events)
    {
        var pending = new Pending(provider, events);
        await _writer.WriteAsync(pending);
        return pending.Result!;
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
