using NotificationService.Features.People.Devices;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.Delivery;

/// <summary>
/// Records each provider call's outcome as the call returns, not when the whole claimed batch is done: a worker killed
/// mid-batch used to lose the outcomes of every call its batch had already made (300 emails sent, none recorded), and
/// the batch claimed again called the provider for all of them a second time. Now a message the provider accepted is
/// `sent` (with its provider message id in the attempt's history row) before its job is acknowledged, and the batch
/// claimed again skips it (<see cref="NotificationLedger.BeginSendingAsync"/> claims only queued/sending). What a kill
/// can still send twice is only the calls in flight: sent to the provider, answer not yet committed here.
/// The outcomes that arrive while one statement commits go together in the next (<see cref="BatchingWriter{T}"/>, across
/// every batch in flight), so this adds no round trip per message: under load it is fewer statements than one per batch.
/// </summary>
public sealed class AttemptRecorder : IAsyncDisposable
{
    private readonly BatchingWriter<(AttemptOutcome Attempt, IReadOnlyList<(Guid TenantId, string Token)> DeadTokens)> _writer;

    public AttemptRecorder(NotificationLedger ledger, DeviceStore devices) => _writer = new(async (rows, ct) =>
    {
        // Dead tokens go first: once the ledger says `sent`, a reader (or the next push) must already see them gone. A
        // crash between the two retries the job, which re-resolves the user's devices without them.
        await devices.DeactivateAsync([.. rows.SelectMany(r => r.DeadTokens).Distinct()], "provider reported the token unregistered", ct);
        await ledger.RecordAttemptsAsync([.. rows.Select(r => r.Attempt)], ct);
    });

    /// <summary>Completes once <paramref name="attempt"/> is committed through the ledger.</summary>
    public Task RecordAsync(AttemptOutcome attempt, IReadOnlyList<(Guid TenantId, string Token)> deadTokens) =>
        _writer.WriteAsync((attempt, deadTokens));

    public ValueTask DisposeAsync() => _writer.DisposeAsync();
}
